import { largestAnswerBytes } from '../../config/byte-budget-rule.js';
import { ByteBudget } from './byte-budget.js';

describe('ByteBudget', () => {
  // 8,192 bytes: 1,024 reserved for small answers, which hold at most 64 bytes.
  const budget = () => new ByteBudget(8_192);

  it('lets large answers use all but the reserve, then refuses them', () => {
    const b = budget();
    expect(b.take(7_000, 0)).toBe(true);
    expect(b.take(168, 7_000)).toBe(true);
    expect(b.take(1, 7_168)).toBe(false);
    expect(b.usedBytes).toBe(7_168);
  });

  it('keeps the reserve for small answers while large ones fill the rest', () => {
    const b = budget();
    expect(b.take(7_168, 0)).toBe(true);
    expect(b.take(64, 0)).toBe(true);
    expect(b.take(32, 64)).toBe(false);
    b.give(7_168);
    expect(b.take(32, 64)).toBe(true);
    expect(b.usedBytes).toBe(96);
  });

  it('says how large one answer may ever grow', () => {
    expect(largestAnswerBytes(8_192)).toBe(7_168);
  });
});
