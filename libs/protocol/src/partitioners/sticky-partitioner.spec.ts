import { partitionForKey } from './partitioner.js';
import { StickyPartitioner } from './sticky-partitioner.js';

const keyless = (partitionCount: number, availablePartitions?: number[]) => ({
  topic: 'orders',
  key: null,
  value: Buffer.from('v'),
  partitionCount,
  ...(availablePartitions === undefined ? {} : { availablePartitions }),
});

/** A random() that returns the given values in turn, then fails the test if asked for more. */
function randomOf(...values: number[]): () => number {
  let next = 0;
  return () => {
    if (next >= values.length) throw new Error('random() called more often than the test expects');
    return values[next++]!;
  };
}

/** A seeded xorshift32 generator, uniform in [0, 1). */
function seeded(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe('StickyPartitioner', () => {
  it('keeps placing keyless records on one partition until its batch is closed', () => {
    const partitioner = new StickyPartitioner({ random: randomOf(0.5, 0) });
    const first = Array.from({ length: 5 }, () => partitioner.partition(keyless(4)));
    expect(first).toEqual([2, 2, 2, 2, 2]);

    partitioner.onNewBatch({ ...keyless(4), prevPartition: 2 });
    expect(partitioner.partition(keyless(4))).toBe(0);
    expect(partitioner.partition(keyless(4))).toBe(0);
  });

  it('never draws the partition it leaves when there is another', () => {
    // random() = 0.99 would pick the last of the 3 others; the one left (3) is stepped over.
    const partitioner = new StickyPartitioner({ random: randomOf(0.99, 0.99, 0.7) });
    expect(partitioner.partition(keyless(4))).toBe(3);
    partitioner.onNewBatch({ ...keyless(4), prevPartition: 3 });
    expect(partitioner.partition(keyless(4))).toBe(2);
    partitioner.onNewBatch({ ...keyless(4), prevPartition: 2 });
    expect(partitioner.partition(keyless(4))).toBe(3);

    const seededPartitioner = new StickyPartitioner({ random: seeded(7) });
    let current = seededPartitioner.partition(keyless(3));
    for (let batch = 0; batch < 1000; batch++) {
      seededPartitioner.onNewBatch({ ...keyless(3), prevPartition: current });
      const next = seededPartitioner.partition(keyless(3));
      expect(next).not.toBe(current);
      current = next;
    }
  });

  it('stays on the only partition there is', () => {
    const partitioner = new StickyPartitioner({ random: randomOf(0.3, 0.9) });
    expect(partitioner.partition(keyless(1))).toBe(0);
    partitioner.onNewBatch({ ...keyless(1), prevPartition: 0 });
    expect(partitioner.partition(keyless(1))).toBe(0);
  });

  it('ignores a closed batch on a partition that is not the sticky one', () => {
    const partitioner = new StickyPartitioner({ random: randomOf(0.5) });
    expect(partitioner.partition(keyless(4))).toBe(2);
    partitioner.onNewBatch({ ...keyless(4), prevPartition: 1 });
    expect(partitioner.partition(keyless(4))).toBe(2);
  });

  it('draws only among available partitions, and among all when none is', () => {
    const partitioner = new StickyPartitioner({ random: randomOf(0.9, 0, 0.9) });
    expect(partitioner.partition(keyless(6, [1, 4]))).toBe(4);
    partitioner.onNewBatch({ ...keyless(6, [1, 4]), prevPartition: 4 });
    expect(partitioner.partition(keyless(6, [1, 4]))).toBe(1);
    partitioner.onNewBatch({ ...keyless(6, []), prevPartition: 1 });
    expect(partitioner.partition(keyless(6, []))).toBe(5);
  });

  it('spreads batches evenly over the partitions', () => {
    const partitioner = new StickyPartitioner({ random: seeded(42) });
    const batchesPerPartition = [0, 0, 0, 0, 0];
    for (let batch = 0; batch < 10_000; batch++) {
      const partition = partitioner.partition(keyless(5));
      batchesPerPartition[partition]! += 1;
      partitioner.onNewBatch({ ...keyless(5), prevPartition: partition });
    }
    for (const count of batchesPerPartition) {
      expect(count).toBeGreaterThan(1800);
      expect(count).toBeLessThan(2200);
    }
  });

  it('keeps one sticky partition per topic', () => {
    const partitioner = new StickyPartitioner({ random: randomOf(0, 0.9, 0) });
    const payments = { ...keyless(4), topic: 'payments' };
    expect(partitioner.partition(keyless(4))).toBe(0);
    expect(partitioner.partition(payments)).toBe(3);
    partitioner.onNewBatch({ ...payments, prevPartition: 3 });
    expect(partitioner.partition(payments)).toBe(0);
    expect(partitioner.partition(keyless(4))).toBe(0);
  });

  it('hashes keyed records, and sticks with them too when told to ignore keys', () => {
    const key = Buffer.from('customer-42');
    const byKey = new StickyPartitioner({ random: randomOf() });
    expect(byKey.partition({ ...keyless(8), key })).toBe(partitionForKey(key, 8));

    const ignoringKeys = new StickyPartitioner({ ignoreKeys: true, random: randomOf(0.25) });
    expect(ignoringKeys.partition({ ...keyless(8), key })).toBe(2);
    expect(ignoringKeys.partition({ ...keyless(8), key: Buffer.from('other') })).toBe(2);
  });

  it('rejects a random() outside [0, 1)', () => {
    expect(() => new StickyPartitioner({ random: () => 1 }).partition(keyless(3))).toThrow(
      'random() must return a number in [0, 1), got 1',
    );
    expect(() => new StickyPartitioner({ random: () => Number.NaN }).partition(keyless(3))).toThrow(
      RangeError,
    );
  });

  it('rejects an invalid partition count when told of a new batch', () => {
    expect(() => new StickyPartitioner().onNewBatch({ ...keyless(0), prevPartition: 0 })).toThrow(
      "topic 'orders': partitionCount must be an integer >= 1, got 0",
    );
  });
});
