import { SECRET_ENCODINGS } from '../../../test/support/secret-encodings.js';
import { REDACTED, SecretScrubber, WITHHELD } from './secret-scrubber.js';

describe('SecretScrubber', () => {
  const secret = 'sk-live_0123456789abcdef';
  const scrubber = new SecretScrubber([secret, `Bearer ${secret}`]);

  it.each([
    ['as sent', `authorization: Bearer ${secret}`],
    ['bare', `key ${secret} is revoked`],
    ['JSON-escaped', JSON.stringify({ headers: { authorization: `Bearer ${secret}"` } })],
    ['URL-encoded', `GET /v1?key=${encodeURIComponent(`${secret}/=+`)}`],
    ['base64', `token ${Buffer.from(secret).toString('base64')}`],
    ['base64 inside a longer value (Basic, any alignment)', `Basic ${Buffer.from(`user:${secret}`).toString('base64')}`],
    ['base64 inside a longer value, offset 1', Buffer.from(`a${secret}zz`).toString('base64')],
    ['base64 inside a longer value, offset 2', Buffer.from(`ab${secret}z`).toString('base64')],
    ['base64url', Buffer.from(`?>${secret}`).toString('base64url')],
  ])('removes the secret %s', (_form, text) => {
    const scrubbed = scrubber.scrub(text);
    expect(scrubbed).toContain(REDACTED);
    expect(scrubbed).not.toContain(secret);
    expect(scrubbed).not.toContain(Buffer.from(secret).toString('base64').slice(4, 20));
  });

  it.each([
    ['JSON-escaped', (value: string) => JSON.stringify({ authorization: value })],
    ['URL-encoded', (value: string) => `/v1?key=${encodeURIComponent(value)}`],
    ['form-encoded', (value: string) => `key=${encodeURIComponent(value).replaceAll('%20', '+')}`],
  ])('removes a secret with special characters %s', (_form, encode) => {
    const special = 'p@ss/w"rd+x y\\z';
    const scrubbed = new SecretScrubber([special]).scrub(encode(special));
    expect(scrubbed).toContain(REDACTED);
    expect(scrubbed).not.toContain('w\\"rd');
    expect(scrubbed).not.toContain('w%22rd');
  });

  it('removes the decoded form of a base64 secret (a Basic credential echoed as user:password)', () => {
    const basic = Buffer.from('svc-user:p4ssw0rd-long').toString('base64');
    expect(new SecretScrubber([basic]).scrub('login svc-user:p4ssw0rd-long failed')).toBe(`login ${REDACTED} failed`);
  });

  it('replaces the whole header value before the secret inside it', () => {
    expect(scrubber.scrub(`got Bearer ${secret}!`)).toBe(`got ${REDACTED}!`);
  });

  it('scrubs other header values only when long enough not to be ordinary words', () => {
    const withExtras = new SecretScrubber([secret], ['search', 'tenant-7f3a9c21']);
    expect(withExtras.scrub('search failed for tenant-7f3a9c21')).toBe(`search failed for ${REDACTED}`);
  });

  it('scrubs every string of a usage block, keys included, and leaves numbers alone', () => {
    const usage = { billed_units: { search_units: 1 }, note: [`key ${secret}`], [secret]: 2 };
    expect(scrubber.scrubJson(usage)).toEqual({ billed_units: { search_units: 1 }, note: [`key ${REDACTED}`], [REDACTED]: 2 });
  });

  describe('a secret in any other encoding (issue 19 item 13): the text is withheld whole', () => {
    const key = 'sk-vault_Q7mZ2xR9pL4kT1wB8nC3vD6f';
    const withKey = new SecretScrubber([key, `Bearer ${key}`]);
    it.each(SECRET_ENCODINGS)('%s', (_encoding, encode) => {
      expect(withKey.scrub(encode(key))).toBe(WITHHELD);
    });

    it('a short-lived token added with with() is recognized too, and so is the one before it', () => {
      const token = 'ya29.a0AfB_short-lived-token-0123';
      const extended = withKey.with([token]);
      expect(extended.scrub(`token ${token.toUpperCase()}`)).toBe(WITHHELD);
      expect(extended.scrub(`key ${[...key].join(' ')}`)).toBe(WITHHELD);
      expect(withKey.scrub(`token ${token.toUpperCase()}`)).not.toBe(WITHHELD);
    });

    it('a usage string holding a fragment becomes REDACTED, the rest of the block stays', () => {
      expect(withKey.scrubJson({ total_tokens: 3, note: key.toUpperCase() })).toEqual({ total_tokens: 3, note: REDACTED });
    });

    it('leaves ordinary text alone: words, ids, hex digests and base64 that hold no run of the secret', () => {
      for (const text of [
        'model not found: rerank-v3.5',
        'request 0f3c9a5e-8d1b-4c2a-9e7f-1a2b3c4d5e6f failed, sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        `invalid input ${Buffer.from('the quick brown fox jumps').toString('base64')}`,
        'rate limit exceeded, retry in 12 seconds',
      ]) {
        expect(withKey.scrub(text)).toBe(text);
      }
    });

    it('a secret too short to recognize once re-encoded is still cut out where it appears as is', () => {
      const short = new SecretScrubber(['abc-123']);
      expect(short.scrub('key abc-123 refused')).toBe(`key ${REDACTED} refused`);
      expect(short.scrub('key ABC 123 refused')).toBe('key ABC 123 refused');
    });
  });

  it('leaves text alone when there is no secret', () => {
    const none = new SecretScrubber([]);
    expect(none.scrub('anything')).toBe('anything');
    const usage = { a: 1 };
    expect(none.scrubJson(usage)).toBe(usage);
  });

  it('adds a call\'s short-lived token with with(), keeping what it already removed', () => {
    const token = 'ya29.a0AfB_short-lived-token';
    const extended = scrubber.with([token]);
    expect(extended.scrub(`bad token ${token} for key ${secret}`)).toBe(`bad token ${REDACTED} for key ${REDACTED}`);
    expect(scrubber.scrub(token)).toBe(token);
  });
});
