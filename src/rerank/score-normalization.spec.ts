import { normalizeScore } from './score-normalization.js';

describe('normalizeScore', () => {
  it('NONE keeps the score', () => {
    expect(normalizeScore('NONE', 3.5)).toBe(3.5);
  });

  it('SIGMOID maps logits into (0, 1), 0 to 0.5, keeping the order', () => {
    expect(normalizeScore('SIGMOID', 0)).toBe(0.5);
    expect(normalizeScore('SIGMOID', 4)).toBeCloseTo(0.98201, 5);
    expect(normalizeScore('SIGMOID', -4)).toBeCloseTo(0.01799, 5);
    expect(normalizeScore('SIGMOID', -1)).toBeLessThan(normalizeScore('SIGMOID', 1));
  });
});
