import { largestAnswerBytes } from '../../config/byte-budget-rule.js';
import { ByteBudget } from './byte-budget.js';

const alice = { userId: 'alice', apiKeyId: 'alice-1' };
const aliceOtherKey = { userId: 'alice', apiKeyId: 'alice-2' };
const bob = { userId: 'bob', apiKeyId: 'bob-1' };

describe('ByteBudget', () => {
  // 8,192 bytes: 1,024 reserved for small answers, which hold at most 64 bytes.
  const budget = () => new ByteBudget({ service: 8_192, user: 8_192, key: 8_192 });

  it('lets large answers use all but the reserve, then refuses them', () => {
    const b = budget();
    expect(b.take(alice, 7_000, 0)).toBeUndefined();
    expect(b.take(alice, 168, 7_000)).toBeUndefined();
    expect(b.take(bob, 1, 7_168)).toBe('service');
    expect(b.usedBytes).toBe(7_168);
  });

  it('keeps the reserve for small answers while large ones fill the rest', () => {
    const b = budget();
    expect(b.take(alice, 7_168, 0)).toBeUndefined();
    expect(b.take(bob, 64, 0)).toBeUndefined();
    expect(b.take(bob, 32, 64)).toBe('service');
    b.give(alice, 7_168);
    expect(b.take(bob, 32, 64)).toBeUndefined();
    expect(b.usedBytes).toBe(96);
  });

  it('says how large one answer may ever grow', () => {
    expect(largestAnswerBytes(8_192)).toBe(7_168);
  });

  describe('shares (issue 19 item 2)', () => {
    // A user may hold 4,096 (512 of it for small answers), a key 2,048 (256 of it for answers up to 16 bytes).
    const shared = () => new ByteBudget({ service: 8_192, user: 4_096, key: 2_048 });

    it('holds one key to its share, its user to the user share, and leaves the rest to the others', () => {
      const b = shared();
      expect(b.take(alice, 1_792, 0)).toBeUndefined();
      expect(b.take(alice, 1, 1_792)).toBe('key');
      expect(b.take(aliceOtherKey, 1_792, 0)).toBeUndefined();
      expect(b.take(aliceOtherKey, 1_792, 0)).toBe('key');
      // Alice's user share (3,584 of large answers) is full: a third key of hers would be refused too.
      expect(b.take({ userId: 'alice', apiKeyId: 'alice-3' }, 1_000, 0)).toBe('user');
      expect(b.take(bob, 1_792, 0)).toBeUndefined();
      expect(b.usedBytes).toBe(5_376);
    });

    it('keeps a small-answer reserve inside each share too', () => {
      const b = shared();
      expect(b.take(alice, 1_792, 0)).toBeUndefined();
      expect(b.take(alice, 16, 0)).toBeUndefined();
      expect(b.take(alice, 17, 0)).toBe('key');
    });

    it('forgets a tenant once it holds nothing', () => {
      const b = shared();
      expect(b.take(alice, 1_792, 0)).toBeUndefined();
      b.give(alice, 1_792);
      expect(b.take(alice, 1_792, 0)).toBeUndefined();
      expect(b.usedBytes).toBe(1_792);
    });
  });
});
