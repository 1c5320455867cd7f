import { FairQueue, type QueuedUnit } from './fair-queue.js';

interface Unit extends QueuedUnit {
  readonly name: string;
}

const units = (ownerId: string, count: number, pairs = 10): Unit[] =>
  Array.from({ length: count }, (_, index) => ({ ownerId, pairs, name: `${ownerId}${index}` }));

function drain(queue: FairQueue<Unit>): string[] {
  const order: string[] = [];
  for (let unit = queue.shift(); unit; unit = queue.shift()) order.push(unit.name);
  return order;
}

describe('FairQueue', () => {
  it('serves owners round robin, each in its own order', () => {
    const queue = new FairQueue<Unit>();
    queue.push(units('a', 3));
    queue.push(units('b', 2));
    queue.push(units('c', 1));
    expect(drain(queue)).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'a2']);
    expect(queue.isEmpty).toBe(true);
    expect(queue.pairs).toBe(0);
  });

  it('serves an owner arriving behind 1,000 units of another after at most one of them', () => {
    const queue = new FairQueue<Unit>();
    queue.push(units('big', 1_000));
    expect(queue.shift()!.name).toBe('big0');
    queue.push(units('small', 2));
    expect([queue.shift()!.name, queue.shift()!.name, queue.shift()!.name]).toEqual(['big1', 'small0', 'big2']);
    expect(queue.shift()!.name).toBe('small1');
  });

  it('counts waiting pairs as units come and go', () => {
    const queue = new FairQueue<Unit>();
    queue.push(units('a', 2, 32));
    queue.push(units('b', 1, 5));
    expect(queue.pairs).toBe(69);
    queue.shift();
    expect(queue.pairs).toBe(37);
  });

  it('removes the matching units of one owner only', () => {
    const queue = new FairQueue<Unit>();
    queue.push(units('a', 3));
    queue.push(units('b', 1));
    expect(queue.remove('a', (unit) => unit.name !== 'a1')).toBe(2);
    expect(queue.remove('nobody', () => true)).toBe(0);
    expect(queue.pairs).toBe(20);
    expect(drain(queue)).toEqual(['a1', 'b0']);
    queue.push(units('c', 2));
    expect(queue.remove('c', () => true)).toBe(2);
    expect(queue.isEmpty).toBe(true);
  });
});
