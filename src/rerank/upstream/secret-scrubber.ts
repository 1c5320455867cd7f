export const REDACTED = '[REDACTED]';
/** What stands for a whole text that holds a recognizable part of a secret in a form `scrub` cannot cut out. */
export const WITHHELD = '[withheld: the text held what looks like a secret we sent]';

/** Shorter base64 fragments, or non-secret header values, are too likely to occur by chance. */
const MIN_INCIDENTAL_LENGTH = 8;
/** A run of this many letters or digits of a secret, in any form below, is recognized wherever it appears. */
export const FRAGMENT_LENGTH = 8;
/** Text beyond this is not searched for fragments (an error message is cut far shorter before it is shown). */
const MAX_SEARCHED_CHARACTERS = 64 * 1024;

/**
 * Removes from upstream text (error messages, usage blocks: whatever reaches a response
 * or a log) every form in which a secret we sent could come back, in two passes:
 *
 * 1. Exact forms are cut out: as sent, JSON-escaped, URL-encoded, base64 (standard and URL
 *    alphabet, at any alignment inside a longer encoded value such as a Basic credential),
 *    and decoded when the secret is itself base64. `otherValues` (non-secret headers we
 *    sent, such as extraHeaders) are treated the same when long enough not to be ordinary words.
 * 2. Whatever is left is searched for fragments: the text is decoded (`\uXXXX`, `\xXX`,
 *    `\/`, percent-encoding, HTML entities) and folded (lower case, letters and digits only,
 *    so spaces, line breaks of wrapped base64 and separators vanish), then any run of
 *    FRAGMENT_LENGTH characters of the folded secret, of its reverse, its hex or its base64
 *    is looked up. A text holding one is withheld whole (WITHHELD): a half, a prefix, a
 *    re-cased or re-encoded secret cannot be cut out reliably, and an upstream has no
 *    business sending it.
 *
 * Forms are built once per target; fragment sets lazily, the first time a text is searched,
 * so a call that never reads upstream text never pays for them.
 */
export class SecretScrubber {
  private readonly forms: readonly string[];
  private readonly fragments: readonly FragmentIndex[];

  constructor(secrets: readonly string[], otherValues: readonly string[] = [], inherited?: { forms: readonly string[]; fragments: readonly FragmentIndex[] }) {
    const present = secrets.filter((secret) => secret.length > 0);
    const values = [...present, ...otherValues.filter((value) => value.length >= MIN_INCIDENTAL_LENGTH)];
    const forms = new Set([...(inherited?.forms ?? []), ...values.flatMap(encodedForms)]);
    // Longest first, so a whole header value goes before the secret inside it.
    this.forms = [...forms].filter((form) => form.length > 0).sort((a, b) => b.length - a.length);
    this.fragments = [...(inherited?.fragments ?? []), ...(present.length > 0 ? [new FragmentIndex(present)] : [])];
  }

  /** This scrubber and more secrets (a call's short-lived token); what it built already is shared. */
  with(secrets: readonly string[]): SecretScrubber {
    return new SecretScrubber(secrets, [], { forms: this.forms, fragments: this.fragments });
  }

  /** `text` with every exact form cut out, or WITHHELD when a fragment of a secret is left in it. */
  scrub(text: string): string {
    let scrubbed = text;
    for (const form of this.forms) {
      if (scrubbed.includes(form)) scrubbed = scrubbed.replaceAll(form, REDACTED);
    }
    return this.recognizes(scrubbed) ? WITHHELD : scrubbed;
  }

  /**
   * A parsed JSON value (an upstream's usage block) with every string in it scrubbed, keys
   * too. The usual clean block (short keys, numbers) is returned as is after one walk.
   */
  scrubJson(value: unknown): unknown {
    if (this.forms.length === 0 || !this.mentionedInTree(value)) return value;
    return this.scrubTree(value);
  }

  /** Whether any string in the tree holds a form or a fragment. */
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
    return this.recognizes(text);
  }

  /** Whether a fragment of a secret is in the text, decoded or not. */
  private recognizes(text: string): boolean {
    if (this.fragments.length === 0 || text.length < FRAGMENT_LENGTH) return false;
    const searched = text.length > MAX_SEARCHED_CHARACTERS ? text.slice(0, MAX_SEARCHED_CHARACTERS) : text;
    const decoded = decodeEscapes(searched);
    const views = decoded === searched ? [fold(searched)] : [fold(searched), fold(decoded)];
    return views.some((view) => this.fragments.some((index) => index.foundIn(view)));
  }

  private scrubTree(value: unknown): unknown {
    if (typeof value === 'string') return this.scrubString(value);
    if (Array.isArray(value)) return value.map((item) => this.scrubTree(item));
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.scrubString(key), this.scrubTree(item)]));
  }

  /** One string of a JSON value: a string holding a fragment becomes REDACTED (a key must stay short). */
  private scrubString(text: string): string {
    const scrubbed = this.scrub(text);
    return scrubbed === WITHHELD ? REDACTED : scrubbed;
  }
}

/**
 * The FRAGMENT_LENGTH-character runs of some secrets' folded forms: the secret, reversed,
 * hex (either case folds to one) and base64 at each alignment. A secret whose folded form is
 * shorter has no fragment (it is too short to recognize once re-encoded); its exact forms
 * still apply.
 */
class FragmentIndex {
  private built?: Set<string>;

  constructor(private readonly secrets: readonly string[]) {}

  foundIn(view: string): boolean {
    const runs = (this.built ??= this.build());
    if (runs.size === 0) return false;
    for (let start = 0; start + FRAGMENT_LENGTH <= view.length; start++) {
      if (runs.has(view.slice(start, start + FRAGMENT_LENGTH))) return true;
    }
    return false;
  }

  private build(): Set<string> {
    const runs = new Set<string>();
    for (const secret of this.secrets) {
      const bytes = Buffer.from(secret, 'utf8');
      const forms = [secret, [...secret].reverse().join(''), bytes.toString('hex'), ...base64Fragments(bytes, 0)];
      for (const form of forms.map(fold)) {
        for (let start = 0; start + FRAGMENT_LENGTH <= form.length; start++) runs.add(form.slice(start, start + FRAGMENT_LENGTH));
      }
    }
    return runs;
  }
}

/** Lower case, letters and digits only: what is left of a text whatever spacing, wrapping, casing or separators were added. */
function fold(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

const ESCAPES = /\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|%([0-9a-fA-F]{2})|&#[xX]([0-9a-fA-F]{1,6});?|&#(\d{1,7});?|&[a-zA-Z][a-zA-Z0-9]{1,31};|\\(\/)/g;

/**
 * The text with the escapes an upstream could wrap a secret in decoded, a few rounds deep
 * (an escape of an escape). Named HTML entities become nothing: none stands for a letter or
 * digit of an ASCII secret, and folding drops punctuation anyway.
 */
function decodeEscapes(text: string): string {
  let current = text;
  for (let round = 0; round < 3; round++) {
    const next = current.replace(ESCAPES, (_match, u: string, x: string, percent: string, hexEntity: string, decimalEntity: string, slash: string) => {
      if (slash !== undefined) return slash;
      const code = parseInt(u ?? x ?? percent ?? hexEntity ?? decimalEntity ?? '', u || x || percent || hexEntity ? 16 : 10);
      return Number.isNaN(code) ? '' : code <= 0x10ffff ? String.fromCodePoint(code) : '';
    });
    if (next === current) return next;
    current = next;
  }
  return current;
}

function encodedForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const uri = encodeURIComponent(secret);
  return [
    secret,
    json,
    uri,
    uri.replaceAll('%20', '+'),
    ...base64Fragments(Buffer.from(secret, 'utf8'), MIN_INCIDENTAL_LENGTH),
    ...decodedBase64(secret),
  ];
}

/**
 * The base64 characters that depend only on the secret's bytes, for each of the three
 * alignments it can have inside a longer encoded value, in both alphabets; fragments shorter
 * than `minLength` are left out.
 */
function base64Fragments(bytes: Buffer, minLength: number): string[] {
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const fragment = encoded.slice(first, end);
    if (fragment.length >= minLength && fragment.length > 0) fragments.push(fragment, fragment.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return fragments;
}

/** A secret that is base64 of readable text (a Basic credential's user:password) may be echoed decoded. */
function decodedBase64(secret: string): string[] {
  if (secret.length < MIN_INCIDENTAL_LENGTH || !/^[A-Za-z0-9+/\-_]+={0,2}$/.test(secret)) return [];
  const decoded = Buffer.from(secret, 'base64').toString('utf8');
  return /^[\x20-\x7e]{6,}$/.test(decoded) ? [decoded] : [];
}
