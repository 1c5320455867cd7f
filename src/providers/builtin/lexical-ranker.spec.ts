import { bm25Scores, foldText, lexicalWork, queryTermsOf, relativeToBest, termsOf } from './lexical-ranker.js';

/** What the lexical last resort answers: every document, scored relative to the best, best first (ties in input order). */
function rankLexically(query: string, documents: readonly string[]): Array<{ index: number; score: number }> {
  return relativeToBest(bm25Scores(queryTermsOf(query), documents))
    .map((score, index) => ({ index, score }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
}

describe('BM25 relative to the best (the last resort)', () => {
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

  it('is case- and punctuation-insensitive and folds ß, accents and compatibility forms', () => {
    const ranked = rankLexically('Größe', ['die größe zählt', 'klein', 'GRÖSSE?']);
    expect(ranked.map((r) => r.index)).toEqual([2, 0, 1]);
    expect(ranked[1]!.score).toBeGreaterThan(0);
    expect(foldText('Ｆｕｌｌ ﬁne ÉTÉ ΣΟΦΟΣ')).toBe(foldText('full fine ete σοφος'));
  });

  it('scores everything 0, in input order, when nothing matches', () => {
    expect(rankLexically('zzz', ['a', 'b'])).toEqual([
      { index: 0, score: 0 },
      { index: 1, score: 0 },
    ]);
    expect(rankLexically('', [])).toEqual([]);
  });

  it('splits words by Unicode rules: French elisions, German, Chinese and Japanese', () => {
    expect(termsOf("L'été à Paris, c'est l’idéal.")).toEqual(['l', 'ete', 'a', 'paris', 'c', 'est', 'l', 'ideal']);
    expect(termsOf('我喜欢北京的天气')).toEqual(['我', '喜欢', '北京', '的', '天气']);
    expect(termsOf('東京都に住んでいます')).toContain('東京');
    // Kana's voicing mark is part of the letter: で stays distinct from て.
    expect(foldText('で')).toBe('で');

    expect(rankLexically('été', ['un hiver froid', "l'été chaud", 'Pas de saison'])[0]!.index).toBe(1);
    expect(rankLexically('北京天气', ['上海的天气很好', '我喜欢北京的天气', '今天很忙'])[0]!.index).toBe(1);
    expect(rankLexically('東京の天気', ['大阪の食べ物', '東京の天気は晴れです', '京都の寺'])[0]!.index).toBe(1);
    expect(rankLexically('Straßenbahn fährt', ['Der Bus hält', 'Die STRASSENBAHN faehrt nicht, sie fährt', 'Bahn'])[0]!.index).toBe(1);
  });

  it('gives raw scores in input order, with tunable k1 and b', () => {
    const docs = ['vector vector vector search', 'vector search', 'nothing here'];
    const terms = queryTermsOf('vector search');
    const okapi = bm25Scores(terms, docs);
    expect(okapi[2]).toBe(0);
    expect(okapi[0]).toBeGreaterThan(0);
    // No saturation (k1 large) favours the repeated term; no length normalization (b = 0) stops penalizing length.
    const saturated = bm25Scores(terms, docs, { k1: 0.01, b: 0 });
    expect(saturated[0]).toBeCloseTo(saturated[1]!, 2);
    const linear = bm25Scores(terms, docs, { k1: 100, b: 0 });
    expect(linear[0]).toBeGreaterThan(linear[1]!);
  });

  it('measures work as distinct query terms x documents', () => {
    expect(lexicalWork(queryTermsOf('a b a B c'), 10)).toBe(30);
  });
});
