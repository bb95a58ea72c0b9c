import { planStarts } from './consume-plan.js';
import { planReset, type ResetInput } from './reset-plan.js';

const partitions: ResetInput[] = [
  { partition: 0, earliestOffset: 10n, latestOffset: 50n, committed: 20n, offsetForTime: 30n },
  { partition: 1, earliestOffset: 0n, latestOffset: 5n, committed: -1n, offsetForTime: -1n },
];

describe('planReset', () => {
  const plan = (target: Parameters<typeof planReset>[3], inputs = partitions) =>
    planReset('g', 't', inputs, target).map((r) => r.newOffset);

  test('earliest, latest, datetime (latest when no record is that recent)', () => {
    expect(plan({ kind: 'earliest' })).toEqual([10n, 0n]);
    expect(plan({ kind: 'latest' })).toEqual([50n, 5n]);
    expect(plan({ kind: 'datetime', timestamp: 1 })).toEqual([30n, 5n]);
  });

  test('to-offset and shift-by are clamped into [earliest, latest]', () => {
    expect(plan({ kind: 'offset', offset: 3n })).toEqual([10n, 3n]);
    expect(plan({ kind: 'offset', offset: 99n })).toEqual([50n, 5n]);
    const committed = partitions.map((p) => ({ ...p, committed: 20n }));
    expect(plan({ kind: 'shift', by: -15n }, committed)).toEqual([10n, 5n]);
    expect(plan({ kind: 'shift', by: 5n }, committed)).toEqual([25n, 5n]);
  });

  test('shift-by without a committed offset names the partition', () => {
    expect(() => plan({ kind: 'shift', by: 1n })).toThrow(
      "group 'g' has no committed offset for topic 't' partition 1 to shift",
    );
  });

  test('rows carry the current offset', () => {
    expect(planReset('g', 't', partitions, { kind: 'latest' })[0]).toEqual({
      partition: 0,
      currentOffset: 20n,
      newOffset: 50n,
    });
  });
});

describe('planStarts', () => {
  test('latest, earliest, time; an offset outside a partition is refused naming it', () => {
    expect(planStarts('t', partitions, { kind: 'latest' }, [])).toEqual([
      { partition: 0, offset: 50n },
      { partition: 1, offset: 5n },
    ]);
    expect(planStarts('t', partitions, { kind: 'earliest' }, []).map((p) => p.offset)).toEqual([10n, 0n]);
    const byTime = [
      { partition: 0, offset: 12n },
      { partition: 1, offset: -1n },
    ];
    expect(planStarts('t', partitions, { kind: 'time', timestamp: 5 }, byTime).map((p) => p.offset)).toEqual([
      12n,
      5n,
    ]);
    expect(planStarts('t', [partitions[1]!], { kind: 'offset', offset: 5n }, [])).toEqual([
      { partition: 1, offset: 5n },
    ]);
    expect(() => planStarts('t', partitions, { kind: 'offset', offset: 5n }, [])).toThrow(
      "topic 't' partition 0: offset 5 is out of range (earliest offset 10, latest offset 50)",
    );
  });
});
