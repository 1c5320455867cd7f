/**
 * Okapi BM25 over the query and the rendered documents: the LEXICAL built-in ranker and the
 * last resort of an alias whose every target failed. Hand-written (about forty lines) because
 * the npm BM25 packages index a corpus up front, while this ranks one small set per call.
 *
 * The work is linear in the text: each document's terms are looked up in the query's term
 * set, never each query term in each document, so a query of thousands of distinct terms
 * costs no more than its length. `lexicalWork` (distinct query terms x documents) is still
 * bounded by the caller (LEXICAL_MAX_WORK): it is the size a client can ask for, and what a
 * call is charged for.
 */

export interface Bm25Parameters {
  /** Term-frequency saturation (Okapi default 1.2). */
  readonly k1?: number;
  /** Length normalization, 0 (none) to 1 (full) (Okapi default 0.75). */
  readonly b?: number;
}

export const OKAPI_K1 = 1.2;
export const OKAPI_B = 0.75;

/**
 * A word is a run of letters, digits and combining marks (so "l'été" is "l" and "été").
 * Scripts written without spaces (Chinese, Japanese, Thai...) have their runs cut into words
 * by Intl.Segmenter's dictionaries. The segmenter is not used on everything: it is about 50
 * times slower than this pattern on alphabetic text, and superlinear on long strings (2 s for
 * a 100,000-character query), hence also the bounded pieces it is given.
 */
const RUNS = /[\p{L}\p{N}\p{M}]+/gu;
const SPACELESS_SCRIPTS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const WORDS = new Intl.Segmenter('und', { granularity: 'word' });
const SEGMENTED_PIECE = 256;
/**
 * Accents on letters of the scripts that write them as diacritics. Kana's voicing marks and
 * Indic vowel signs are letters of their own: stripping them would merge different words.
 */
const DIACRITICS = /(?<=[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu;

/**
 * Case-folded (upper then lower case turns ß into ss and Σ, σ, ς alike into one form, as Unicode's
 * full folding does), compatibility forms unified (ﬁ, full-width letters) and accents dropped.
 */
export function foldText(text: string): string {
  return text.toUpperCase().toLowerCase().normalize('NFKD').replace(DIACRITICS, '').normalize('NFC');
}

/** The folded words of a text, in order. */
export function termsOf(text: string): string[] {
  const terms: string[] = [];
  for (const [run] of foldText(text).matchAll(RUNS)) {
    if (!SPACELESS_SCRIPTS.test(run)) {
      terms.push(run);
      continue;
    }
    for (let start = 0; start < run.length; ) {
      let end = Math.min(run.length, start + SEGMENTED_PIECE);
      if (end < run.length && isLowSurrogate(run.charCodeAt(end))) end++;
      for (const { segment, isWordLike } of WORDS.segment(run.slice(start, end))) if (isWordLike) terms.push(segment);
      start = end;
    }
  }
  return terms;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The query's distinct terms, each with its position in the score arrays. */
export function queryTermsOf(query: string): Map<string, number> {
  const terms = new Map<string, number>();
  for (const term of termsOf(query)) if (!terms.has(term)) terms.set(term, terms.size);
  return terms;
}

/** The size of a call as LEXICAL_MAX_WORK measures it: distinct query terms x documents. */
export function lexicalWork(queryTerms: ReadonlyMap<string, number>, documents: number): number {
  return queryTerms.size * documents;
}

/** One raw BM25 score per document, in input order (0 for a document that shares no term with the query). */
export function bm25Scores(queryTerms: ReadonlyMap<string, number>, documents: readonly string[], parameters: Bm25Parameters = {}): number[] {
  const k1 = parameters.k1 ?? OKAPI_K1;
  const b = parameters.b ?? OKAPI_B;
  const containing = new Array<number>(queryTerms.size).fill(0);
  let totalLength = 0;
  const matches = documents.map((text) => {
    const terms = termsOf(text);
    totalLength += terms.length;
    const frequencies = new Map<number, number>();
    for (const term of terms) {
      const position = queryTerms.get(term);
      if (position !== undefined) frequencies.set(position, (frequencies.get(position) ?? 0) + 1);
    }
    for (const position of frequencies.keys()) containing[position]!++;
    return { frequencies, length: terms.length };
  });
  const averageLength = totalLength / Math.max(1, documents.length) || 1;
  // BM25's IDF, kept positive (the "+1" form) so a term in every document still counts a little.
  const idf = containing.map((count) => Math.log(1 + (documents.length - count + 0.5) / (count + 0.5)));
  return matches.map(({ frequencies, length }) => {
    let score = 0;
    for (const [position, tf] of frequencies) score += (idf[position]! * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / averageLength));
    return score;
  });
}

/** Scores as a share of the best (which scores 1; all 0 when nothing matched): the lexical last resort's scale. */
export function relativeToBest(raw: readonly number[]): number[] {
  const best = raw.reduce((max, score) => Math.max(max, score), 0);
  return raw.map((score) => (best > 0 ? score / best : 0));
}
