import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { choosePartition, type Partitioner, partitionForKey } from './partitioner.js';
import { RoundRobinPartitioner } from './round-robin-partitioner.js';
import { StickyPartitioner } from './sticky-partitioner.js';

const record = (key: string | null, partitionCount = 6) => ({
  topic: 'orders',
  key: key === null ? null : Buffer.from(key, 'utf8'),
  value: Buffer.from('v'),
  partitionCount,
});

describe('partitionForKey', () => {
  it('places keys by toPositive(murmur2(key)) % partitionCount', () => {
    // murmur2('foobar') = -790332482; toPositive gives 1357151166; 1357151166 % 7 = 3.
    expect(partitionForKey(Buffer.from('foobar'), 7)).toBe(1357151166 % 7);
    expect(partitionForKey(Buffer.from('foobar'), 1)).toBe(0);
  });

  it("agrees with kafkajs's DefaultPartitioner for random keys and partition counts", () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.integer({ min: 1, max: 500 }),
        (key, count) => {
          const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({
            partitionId,
            leader: 0,
            partitionErrorCode: 0,
            replicas: [0],
            isr: [0],
          }));
          const expected = kafkajs({
            topic: 'orders',
            partitionMetadata,
            message: { key: Buffer.from(key), value: null },
          });
          expect(partitionForKey(key, count)).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('choosePartition', () => {
  const partitioners: [string, () => Partitioner][] = [
    ['sticky', () => new StickyPartitioner({ random: () => 0.5 })],
    ['round-robin', () => new RoundRobinPartitioner()],
  ];

  it.each(partitioners)('lets an explicit partition win over the %s partitioner, keyed or not', (_, make) => {
    const partitioner = make();
    expect(choosePartition(partitioner, { ...record('foobar'), partition: 5 })).toBe(5);
    expect(choosePartition(partitioner, { ...record(null), partition: 0 })).toBe(0);
  });

  it.each(partitioners)('asks the %s partitioner when the record has no partition', (_, make) => {
    expect(choosePartition(make(), { ...record('foobar'), partition: null })).toBe(
      partitionForKey(Buffer.from('foobar'), 6),
    );
  });

  it('rejects an explicit partition outside the topic', () => {
    const partitioner = new RoundRobinPartitioner();
    expect(() => choosePartition(partitioner, { ...record(null, 3), partition: 3 })).toThrow(
      "topic 'orders': the record asks for partition 3, outside [0, 2]",
    );
    expect(() => choosePartition(partitioner, { ...record(null, 3), partition: -1 })).toThrow(RangeError);
    expect(() => choosePartition(partitioner, { ...record(null, 3), partition: 1.5 })).toThrow(RangeError);
  });

  it.each([0, -2, 2.5, Number.NaN])('rejects a partition count of %d with a clear message', (count) => {
    expect(() => choosePartition(new StickyPartitioner(), record(null, count))).toThrow(
      `topic 'orders': partitionCount must be an integer >= 1, got ${count}`,
    );
    expect(() => new RoundRobinPartitioner().partition(record('k', count))).toThrow(RangeError);
  });

  it('rejects a custom partitioner choosing a partition outside the topic', () => {
    const broken: Partitioner = { partition: () => 9 };
    expect(() => choosePartition(broken, record(null, 4))).toThrow(
      "topic 'orders': the partitioner chose partition 9, outside [0, 3]",
    );
  });

  it('plugs in a custom partitioner', () => {
    const byValueLength: Partitioner = {
      partition: ({ value, partitionCount }) => (value?.length ?? 0) % partitionCount,
    };
    expect(choosePartition(byValueLength, { ...record(null), value: Buffer.from('abcdefgh') })).toBe(2);
  });
});
