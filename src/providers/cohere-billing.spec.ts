import { cohereSearchUnits } from './cohere-billing.js';
import { estimatePairTokens } from './token-estimate.js';

const words = (tokens: number) => 'x'.repeat(tokens * 3); // estimateTokens: one token per 3 characters
const docs = (count: number, tokens = 1) => Array.from({ length: count }, () => words(tokens));

describe("Cohere's search units (when the upstream reports none)", () => {
  it('are one per query of up to 100 documents, per upstream request', () => {
    expect(cohereSearchUnits('rerank-v3.5', 'q', [docs(1)])).toBe(1);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [docs(100)])).toBe(1);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [docs(101)])).toBe(2);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [docs(100), docs(1)])).toBe(2);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [])).toBe(0);
  });

  it("count a long document's chunks as documents, the chunk being the model's context beside the query", () => {
    // v3.5: 4,093-token chunks; a 1-token query leaves 4,092 for the document; documents are cut at 4,096 tokens unless max_tokens_per_doc says otherwise.
    expect(cohereSearchUnits('rerank-v3.5', 'q', [[...docs(99), words(4_092)]])).toBe(1);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [[...docs(99), words(4_093)]])).toBe(2);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [[...docs(99), words(50_000)]])).toBe(2);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [docs(40, 50_000)], 20_000)).toBe(2); // 40 x ceil(20000 / 4092) = 200 chunks
    // A longer query leaves less room: 4093 - 1000 = 3093.
    expect(cohereSearchUnits('rerank-english-v3.0', words(1_000), [docs(34, 4_000)])).toBe(1);
    expect(cohereSearchUnits('rerank-english-v3.0', words(1_000), [docs(51, 4_000)])).toBe(2);
  });

  it('use each generation’s context: v2 510 tokens, v4 32,764', () => {
    expect(cohereSearchUnits('rerank-multilingual-v2.0', 'q', [docs(50, 1_000)])).toBe(1); // 2 chunks each
    expect(cohereSearchUnits('rerank-multilingual-v2.0', 'q', [docs(51, 1_000)])).toBe(2);
    expect(cohereSearchUnits('rerank-v4.0-pro', 'q', [docs(100, 30_000)], 30_000)).toBe(1);
    expect(cohereSearchUnits('cohere.rerank-v3-5:0', 'q', [docs(60, 4_093)])).toBe(2);
  });

  it('take at most half a chunk for the query, as Cohere truncates long queries', () => {
    expect(cohereSearchUnits('rerank-multilingual-v2.0', words(10_000), [docs(100, 255)])).toBe(1);
    expect(cohereSearchUnits('rerank-multilingual-v2.0', words(10_000), [docs(100, 256)])).toBe(2);
  });
});

describe('estimated pair tokens', () => {
  it('count the query once per document of every request', () => {
    // 7 pairs of a 1-token query and a 10-token document.
    expect(estimatePairTokens('q', [docs(4, 10), docs(3, 10)])).toBe(77);
  });
});
