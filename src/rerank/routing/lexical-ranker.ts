/**
 * Okapi BM25 over the query and the rendered documents, in process: the last resort of an
 * alias whose every target failed. Hand-written (about twenty lines) because the npm BM25
 * packages index a corpus up front, while this ranks one small set per call.
 */
const K1 = 1.2;
const B = 0.75;
const TERM = /[\p{L}\p{N}]+/gu;

export interface LexicalScore {
  readonly index: number;
  readonly score: number;
}

/** Every document with a score in [0, 1] (the best match scores 1), best first; ties keep input order. */
export function rankLexically(query: string, documents: readonly string[]): LexicalScore[] {
  const queryTerms = [...new Set(termsOf(query))];
  const docTerms = documents.map(termFrequencies);
  const averageLength = docTerms.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, documents.length) || 1;
  const idf = new Map(queryTerms.map((term) => [term, inverseDocumentFrequency(term, docTerms)]));
  const raw = docTerms.map((doc) =>
    queryTerms.reduce((sum, term) => {
      const tf = doc.counts.get(term) ?? 0;
      if (tf === 0) return sum;
      return sum + (idf.get(term)! * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * doc.length) / averageLength));
    }, 0),
  );
  const best = raw.reduce((max, score) => Math.max(max, score), 0);
  return raw
    .map((score, index) => ({ index, score: best > 0 ? score / best : 0 }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
}

function termsOf(text: string): string[] {
  return text.toLowerCase().match(TERM) ?? [];
}

interface TermFrequencies {
  readonly counts: Map<string, number>;
  readonly length: number;
}

function termFrequencies(text: string): TermFrequencies {
  const terms = termsOf(text);
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return { counts, length: terms.length };
}

/** BM25's IDF, kept positive (the "+1" form) so a term in every document still counts a little. */
function inverseDocumentFrequency(term: string, docs: readonly TermFrequencies[]): number {
  const containing = docs.reduce((count, doc) => count + (doc.counts.has(term) ? 1 : 0), 0);
  return Math.log(1 + (docs.length - containing + 0.5) / (containing + 0.5));
}
