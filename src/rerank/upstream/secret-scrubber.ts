export const REDACTED = '[REDACTED]';

/** Shorter base64 fragments, or non-secret header values, are too likely to occur by chance. */
const MIN_INCIDENTAL_LENGTH = 8;

/**
 * Removes from upstream text (error messages, usage blocks: whatever reaches a response
 * or a log) every form in which a secret we sent could come back: as
 * sent, JSON-escaped, URL-encoded, base64 (standard and URL alphabet, at any alignment
 * inside a longer encoded value such as a Basic credential), and decoded when the secret
 * is itself base64. `otherValues` (non-secret headers we sent, such as extraHeaders) are
 * treated the same when long enough not to be ordinary words. Built once per target;
 * `scrub` is a few substring searches.
 */
export class SecretScrubber {
  private readonly forms: readonly string[];

  constructor(secrets: readonly string[], otherValues: readonly string[] = [], inheritedForms: readonly string[] = []) {
    const values = [...secrets.filter((secret) => secret.length > 0), ...otherValues.filter((value) => value.length >= MIN_INCIDENTAL_LENGTH)];
    const forms = new Set([...inheritedForms, ...values.flatMap(encodedForms)]);
    // Longest first, so a whole header value goes before the secret inside it.
    this.forms = [...forms].filter((form) => form.length > 0).sort((a, b) => b.length - a.length);
  }

  /** This scrubber and more secrets (a call's short-lived token). */
  with(secrets: readonly string[]): SecretScrubber {
    return new SecretScrubber(secrets, [], this.forms);
  }

  scrub(text: string): string {
    let scrubbed = text;
    for (const form of this.forms) {
      if (scrubbed.includes(form)) scrubbed = scrubbed.replaceAll(form, REDACTED);
    }
    return scrubbed;
  }

  /**
   * A parsed JSON value (an upstream's usage block) with every string in it scrubbed, keys
   * too. The usual clean block (short keys, numbers) is returned as is after one walk.
   */
  scrubJson(value: unknown): unknown {
    if (this.forms.length === 0 || !this.mentionedInTree(value)) return value;
    return this.scrubTree(value);
  }

  /** Whether any string in the tree holds a form; a string shorter than a form cannot. */
  private mentionedInTree(value: unknown): boolean {
    if (typeof value === 'string') return this.mentionedIn(value);
    if (typeof value !== 'object' || value === null) return false;
    if (Array.isArray(value)) return value.some((item) => this.mentionedInTree(item));
    for (const key in value) {
      if (this.mentionedIn(key) || this.mentionedInTree((value as Record<string, unknown>)[key])) return true;
    }
    return false;
  }

  private mentionedIn(text: string): boolean {
    // Longest first: skip the forms too long to fit.
    for (const form of this.forms) if (form.length <= text.length && text.includes(form)) return true;
    return false;
  }

  private scrubTree(value: unknown): unknown {
    if (typeof value === 'string') return this.scrub(value);
    if (Array.isArray(value)) return value.map((item) => this.scrubTree(item));
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.scrub(key), this.scrubTree(item)]));
  }
}

function encodedForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const uri = encodeURIComponent(secret);
  return [
    secret,
    json,
    uri,
    uri.replaceAll('%20', '+'),
    ...base64Fragments(Buffer.from(secret, 'utf8')),
    ...decodedBase64(secret),
  ];
}

/**
 * The base64 characters that depend only on the secret's bytes, for each of the three
 * alignments it can have inside a longer encoded value, in both alphabets.
 */
function base64Fragments(bytes: Buffer): string[] {
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const fragment = encoded.slice(first, end);
    if (fragment.length >= MIN_INCIDENTAL_LENGTH) fragments.push(fragment, fragment.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return fragments;
}

/** A secret that is base64 of readable text (a Basic credential's user:password) may be echoed decoded. */
function decodedBase64(secret: string): string[] {
  if (secret.length < MIN_INCIDENTAL_LENGTH || !/^[A-Za-z0-9+/\-_]+={0,2}$/.test(secret)) return [];
  const decoded = Buffer.from(secret, 'base64').toString('utf8');
  return /^[\x20-\x7e]{6,}$/.test(decoded) ? [decoded] : [];
}
