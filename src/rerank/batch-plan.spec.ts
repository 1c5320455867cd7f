import fc from 'fast-check';
import { estimateTokens } from '../providers/token-estimate.js';
import { halves, planBatches } from './batch-plan.js';

describe('planBatches', () => {
  it('cuts by count alone when there is no token budget', () => {
    const plan = planBatches('q', ['a', 'b', 'c', 'd', 'e'], { maxDocuments: 2 });
    expect(plan).toEqual([
      { start: 0, documents: ['a', 'b'] },
      { start: 2, documents: ['c', 'd'] },
      { start: 4, documents: ['e'] },
    ]);
  });

  it('cuts by the token budget: query tokens count once per document', () => {
    const query = 'x'.repeat(30); // 10 tokens
    const documents = Array.from({ length: 6 }, () => 'y'.repeat(60)); // 20 tokens each: 30 per pair
    const plan = planBatches(query, documents, { maxDocuments: 1000, maxTokens: 100 });
    expect(plan.map((batch) => [batch.start, batch.documents.length])).toEqual([
      [0, 3],
      [3, 3],
    ]);
  });

  it('sends a document over the budget alone, without holding back its neighbours', () => {
    const plan = planBatches('q', ['a', 'z'.repeat(3000), 'b'], { maxDocuments: 10, maxTokens: 100 });
    expect(plan.map((batch) => batch.documents.length)).toEqual([1, 1, 1]);
  });

  it('keeps every document exactly once, in order, within both limits (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 200 }), { minLength: 1, maxLength: 60 }),
        fc.string({ maxLength: 50 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 400 }),
        (documents, query, maxDocuments, maxTokens) => {
          const plan = planBatches(query, documents, { maxDocuments, maxTokens });
          expect(plan.flatMap((batch) => batch.documents)).toEqual(documents);
          for (const batch of plan) {
            expect(batch.documents).toEqual(documents.slice(batch.start, batch.start + batch.documents.length));
            expect(batch.documents.length).toBeLessThanOrEqual(maxDocuments);
            const tokens = batch.documents.reduce((sum, d) => sum + estimateTokens(query) + estimateTokens(d), 0);
            if (batch.documents.length > 1) expect(tokens).toBeLessThanOrEqual(maxTokens);
          }
        },
      ),
    );
  });
});

describe('halves', () => {
  it('splits a batch keeping global indices', () => {
    expect(halves({ start: 10, documents: ['a', 'b', 'c'] })).toEqual([
      { start: 10, documents: ['a', 'b'] },
      { start: 12, documents: ['c'] },
    ]);
  });
});
