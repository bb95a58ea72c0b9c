import { partitionForKey } from './partitioner.js';
import { RoundRobinPartitioner } from './round-robin-partitioner.js';

const keyless = (topic: string, partitionCount: number, availablePartitions?: number[]) => ({
  topic,
  key: null,
  value: Buffer.from('v'),
  partitionCount,
  ...(availablePartitions === undefined ? {} : { availablePartitions }),
});

describe('RoundRobinPartitioner', () => {
  it('places keyless records on 0, 1, 2, 0, 1, 2, ...', () => {
    const partitioner = new RoundRobinPartitioner();
    const placed = Array.from({ length: 7 }, () => partitioner.partition(keyless('orders', 3)));
    expect(placed).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('keeps one counter per topic', () => {
    const partitioner = new RoundRobinPartitioner();
    expect(partitioner.partition(keyless('orders', 3))).toBe(0);
    expect(partitioner.partition(keyless('orders', 3))).toBe(1);
    expect(partitioner.partition(keyless('payments', 2))).toBe(0);
    expect(partitioner.partition(keyless('orders', 3))).toBe(2);
    expect(partitioner.partition(keyless('payments', 2))).toBe(1);
  });

  it('goes round the available partitions only', () => {
    const partitioner = new RoundRobinPartitioner();
    const placed = Array.from({ length: 6 }, () => partitioner.partition(keyless('orders', 5, [1, 3, 4])));
    expect(placed).toEqual([1, 3, 4, 1, 3, 4]);
  });

  it('falls back to every partition when none is available', () => {
    const partitioner = new RoundRobinPartitioner();
    const placed = Array.from({ length: 4 }, () => partitioner.partition(keyless('orders', 3, [])));
    expect(placed).toEqual([0, 1, 2, 0]);
  });

  it('hashes keyed records without moving the counter', () => {
    const partitioner = new RoundRobinPartitioner();
    const key = Buffer.from('customer-42');
    expect(partitioner.partition(keyless('orders', 3))).toBe(0);
    expect(partitioner.partition({ ...keyless('orders', 3), key })).toBe(partitionForKey(key, 3));
    expect(partitioner.partition(keyless('orders', 3))).toBe(1);
  });

  it('goes round keyed records too when told to ignore keys', () => {
    const partitioner = new RoundRobinPartitioner({ ignoreKeys: true });
    const key = Buffer.from('customer-42');
    const placed = Array.from({ length: 4 }, () => partitioner.partition({ ...keyless('orders', 3), key }));
    expect(placed).toEqual([0, 1, 2, 0]);
  });

  it('rejects available partitions outside the topic', () => {
    expect(() => new RoundRobinPartitioner().partition(keyless('orders', 2, [4]))).toThrow(
      "topic 'orders': availablePartitions lists partition 4, outside [0, 1]",
    );
  });
});
