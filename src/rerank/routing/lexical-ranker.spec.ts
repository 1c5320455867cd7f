import { rankLexically } from './lexical-ranker.js';

describe('rankLexically (BM25)', () => {
  it('ranks documents containing the query terms first, the best at 1', () => {
    const ranked = rankLexically('rotate encryption keys', [
      'Labels filter lists of rerankers.',
      'How to rotate the encryption keys of stored secrets.',
      'Keys are hashed with argon2id.',
      'Nothing relevant here at all.',
    ]);
    expect(ranked.map((r) => r.index)).toEqual([1, 2, 0, 3]);
    expect(ranked[0]!.score).toBe(1);
    expect(ranked[2]!.score).toBe(0);
  });

  it('weighs a rare term above a common one', () => {
    const ranked = rankLexically('vector cat', ['a cat', 'a vector', 'the cat', 'one cat']);
    expect(ranked[0]!.index).toBe(1);
  });

  it('prefers the shorter of two documents with the same matches', () => {
    const ranked = rankLexically('vector', ['a vector among many other words in a longer text', 'a vector', 'nothing']);
    expect(ranked.map((r) => r.index)).toEqual([1, 0, 2]);
  });

  it('is case- and punctuation-insensitive and handles non-Latin scripts', () => {
    const ranked = rankLexically('Größe', ['die größe zählt', 'klein', 'GRÖSSE?']);
    expect(ranked[0]!.index).toBe(0);
  });

  it('scores everything 0, in input order, when nothing matches', () => {
    expect(rankLexically('zzz', ['a', 'b'])).toEqual([
      { index: 0, score: 0 },
      { index: 1, score: 0 },
    ]);
    expect(rankLexically('', [])).toEqual([]);
  });
});
