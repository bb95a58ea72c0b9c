import {
  type CheckInput,
  checkAckedOffsets,
  checkAll,
  checkCommits,
  checkDivergence,
  checkDuplicates,
  checkFailedWritten,
  checkIsrIdentical,
  checkLost,
  checkOrder,
  checkReads,
  checkUnexpected,
  committedLog,
} from './checker.js';
import { failureReport } from './failure-report.js';
import type { LogRecord, PartitionOutcome, SendEvent } from './history.js';

/** `w<writer>-<n>` acknowledged at `offset` of `partition`. */
function ok(writer: number, n: number, partition: number, offset: bigint): SendEvent {
  return {
    writer,
    n,
    value: `w${writer}-${n}`,
    partition,
    startMs: n * 10,
    endMs: n * 10 + 5,
    outcome: 'ok',
    offset,
  };
}

function log(...values: string[]): LogRecord[] {
  return values.map((value, i) => ({ offset: BigInt(i), value }));
}

/** Partition 0 on brokers 1-3 (leader 1), every replica holding `records`, the high watermark at its end. */
function partition(records: LogRecord[], changes: Partial<PartitionOutcome> = {}): PartitionOutcome {
  return {
    partition: 0,
    leader: 1,
    isr: [1, 2, 3],
    highWatermark: BigInt(records.length),
    replicas: new Map([
      [1, records],
      [2, records],
      [3, records],
    ]),
    ...changes,
  };
}

/** A run that broke nothing: two writers, an unknown send that was written, one that was not, a failed one. */
function healthy(): CheckInput {
  const records = log('w1-0', 'w2-0', 'w1-1', 'w2-1', 'w1-3');
  return {
    sends: [
      ok(1, 0, 0, 0n),
      ok(2, 0, 0, 1n),
      ok(1, 1, 0, 2n),
      ok(2, 1, 0, 3n),
      {
        writer: 1,
        n: 2,
        value: 'w1-2',
        partition: 0,
        startMs: 20,
        endMs: 30,
        outcome: 'unknown',
        error: 'timeout',
      },
      {
        writer: 1,
        n: 3,
        value: 'w1-3',
        partition: 0,
        startMs: 30,
        endMs: 40,
        outcome: 'unknown',
        error: 'timeout',
      },
      {
        writer: 2,
        n: 2,
        value: 'w2-2',
        partition: 0,
        startMs: 30,
        endMs: 40,
        outcome: 'failed',
        error: 'NOT_ENOUGH_REPLICAS',
      },
    ],
    reads: [{ partition: 0, offset: 1n, value: 'w2-0', atMs: 15 }],
    commits: [{ partition: 0, offset: 5n, atMs: 50 }],
    outcomes: [partition(records)],
  };
}

describe('the nemesis checker', () => {
  it('finds nothing wrong in a history that keeps every property, unknown sends written or not', () => {
    expect(checkAll(healthy())).toEqual([]);
  });

  it('takes the committed log from the leader, below the high watermark', () => {
    const outcome = partition(log('a', 'b', 'c'), { highWatermark: 2n });
    expect(committedLog(outcome).map((r) => r.value)).toEqual(['a', 'b']);
  });

  it('catches an acknowledged value missing from the committed log', () => {
    const input = healthy();
    const outcomes = [partition(log('w1-0', 'w2-0', 'w1-1'))];
    expect(checkLost(input.sends, outcomes)).toEqual([
      expect.objectContaining({ property: 'lost', values: ['w2-1'] }),
    ]);
  });

  it('counts an acknowledged value above the high watermark as lost', () => {
    const input = healthy();
    const records = log('w1-0', 'w2-0', 'w1-1', 'w2-1');
    expect(checkLost(input.sends, [partition(records, { highWatermark: 3n })])).toEqual([
      expect.objectContaining({ property: 'lost', values: ['w2-1'] }),
    ]);
  });

  it('catches an acknowledged value at another offset than the one acknowledged', () => {
    const sends = [ok(1, 0, 0, 0n), ok(1, 1, 0, 1n)];
    const outcomes = [partition(log('w1-0', 'w9-9', 'w1-1'))];
    expect(checkAckedOffsets(sends, outcomes)).toEqual([
      expect.objectContaining({ property: 'wrong-offset', values: ['w1-1', 'w9-9'] }),
    ]);
  });

  it('catches a value written twice, in one partition or in two', () => {
    const twiceInOne = [partition(log('w1-0', 'w1-1', 'w1-0'))];
    expect(checkDuplicates(twiceInOne)).toEqual([
      expect.objectContaining({ property: 'duplicate', values: ['w1-0'] }),
    ]);
    const retried = [
      { offset: 0n, value: 'w1-0', producer: { id: 7n, epoch: 0, sequence: 3, leaderEpoch: 1 } },
      { offset: 1n, value: 'w1-0', producer: { id: 8n, epoch: 0, sequence: 0, leaderEpoch: 2 } },
    ];
    expect(checkDuplicates([partition(retried)])[0]?.message).toBe(
      'w1-0 is at p0 w1-0@0 (producer 7 epoch 0 seq 3, leader epoch 1) and again at p0 w1-0@1 (producer 8 epoch 0 seq 0, leader epoch 2)',
    );
    const inTwo = [partition(log('w1-0')), { ...partition(log('w1-0')), partition: 1 }];
    expect(checkDuplicates(inTwo)).toEqual([
      expect.objectContaining({ property: 'duplicate', partition: 1 }),
    ]);
  });

  it('catches a definitely failed value on any replica, even above the high watermark', () => {
    const input = healthy();
    const records = log('w1-0', 'w2-0', 'w1-1', 'w2-1', 'w1-3');
    const withFailed = [...records, { offset: 5n, value: 'w2-2' }];
    const outcome = partition(records, {
      replicas: new Map([
        [1, withFailed],
        [2, records],
        [3, records],
      ]),
    });
    expect(checkFailedWritten(input.sends, [outcome])).toEqual([
      expect.objectContaining({ property: 'failed-written', values: ['w2-2'] }),
    ]);
  });

  it('catches a value no writer sent, on each replica that has it', () => {
    const input = healthy();
    const found = checkUnexpected(input.sends, [partition(log('w1-0', 'garbage'))]);
    expect(found.map((v) => [v.property, v.values])).toEqual(
      [1, 2, 3].map(() => ['unexpected', ['garbage']]),
    );
    expect(found.map((v) => v.message)).toContain(
      'broker 3 has "garbage" at p0 offset 1, which no writer sent',
    );
  });

  it("catches a writer's acknowledged values out of send order within a partition", () => {
    const sends = [ok(1, 0, 0, 1n), ok(1, 1, 0, 0n), ok(2, 0, 0, 2n)];
    const outcomes = [partition(log('w1-1', 'w1-0', 'w2-0'))];
    expect(checkOrder(sends, outcomes)).toEqual([
      expect.objectContaining({
        property: 'reordered',
        values: ['w1-0', 'w1-1'],
        message: 'writer 1: w1-0 (sent before w1-1) is at p0 offset 1, after w1-1 at offset 0',
      }),
    ]);
    // Interleaving of two writers is not an order violation.
    expect(
      checkOrder(
        [ok(1, 0, 0, 0n), ok(2, 0, 0, 1n), ok(1, 1, 0, 2n)],
        [partition(log('w1-0', 'w2-0', 'w1-1'))],
      ),
    ).toEqual([]);
  });

  it('catches an offset holding two values on two replicas, also above the high watermark', () => {
    const records = log('w1-0', 'w1-1');
    const outcome = partition(records, {
      highWatermark: 1n,
      replicas: new Map([
        [1, records],
        [2, log('w1-0', 'w2-5')],
        [3, log('w1-0')],
      ]),
    });
    expect(checkDivergence([outcome])).toEqual([
      expect.objectContaining({ property: 'divergent', values: ['w1-1', 'w2-5'] }),
    ]);
  });

  it('catches an in-sync replica missing a record below the high watermark, and ignores one out of the ISR', () => {
    const records = log('w1-0', 'w1-1', 'w1-2');
    const short = records.slice(0, 2);
    const inSync = partition(records, {
      replicas: new Map([
        [1, records],
        [2, records],
        [3, short],
      ]),
    });
    expect(checkIsrIdentical([inSync])).toEqual([
      expect.objectContaining({ property: 'isr-not-identical', values: ['w1-2'] }),
    ]);
    expect(checkIsrIdentical([{ ...inSync, isr: [1, 2] }])).toEqual([]);
    // A gap counts too: the same number of records, one offset skipped.
    const gapped = [records[0]!, records[2]!, { offset: 3n, value: 'w1-3' }];
    expect(
      checkIsrIdentical([
        partition(records, {
          replicas: new Map([
            [1, records],
            [2, gapped],
          ]),
          isr: [1, 2],
        }),
      ]),
    ).toHaveLength(1);
  });

  it('catches a committed offset past the high watermark', () => {
    const input = healthy();
    const commits = [...input.commits, { partition: 0, offset: 6n, atMs: 60 }];
    expect(checkCommits(commits, input.outcomes)).toEqual([
      expect.objectContaining({ property: 'commit-past-high-watermark', partition: 0 }),
    ]);
  });

  it('catches a read of a record the committed log does not hold there', () => {
    const input = healthy();
    const reads = [...input.reads, { partition: 0, offset: 5n, value: 'w1-2', atMs: 33 }];
    expect(checkReads(reads, input.outcomes)).toEqual([
      expect.objectContaining({ property: 'dirty-read', values: ['w1-2'] }),
    ]);
  });

  it('reports every broken property through checkAll', () => {
    const input = healthy();
    const broken = log('w1-1', 'w1-0', 'w1-0', 'w2-2', 'junk');
    const violations = checkAll({
      ...input,
      commits: [{ partition: 0, offset: 9n, atMs: 1 }],
      reads: [{ partition: 0, offset: 4n, value: 'w2-1', atMs: 1 }],
      outcomes: [
        partition(broken, {
          replicas: new Map([
            [1, broken],
            [2, log('w1-1', 'w1-0', 'w9-0')],
          ]),
          isr: [1, 2],
        }),
      ],
    });
    expect(new Set(violations.map((v) => v.property))).toEqual(
      new Set([
        'lost',
        'wrong-offset',
        'duplicate',
        'failed-written',
        'unexpected',
        'reordered',
        'divergent',
        'isr-not-identical',
        'commit-past-high-watermark',
        'dirty-read',
      ]),
    );
  });

  it('prints the violated values, their sends, the nemesis events around them and the seed', () => {
    const input = healthy();
    const outcomes = [partition(log('w1-0', 'w2-0', 'w1-1'))];
    const history = {
      seed: 4242,
      sends: input.sends,
      reads: [],
      commits: [],
      nemesis: [
        { atMs: 25, action: 'kill broker 1 (leader of p0)' },
        { atMs: 60_000, action: 'restart etcd' },
      ],
    };
    const report = failureReport(
      history,
      checkLost(input.sends, outcomes),
      'RUNNEL_NEMESIS_SEED=4242 npm run test:compat',
    );
    expect(report).toContain('nemesis seed 4242: 1 violation(s) of lost');
    expect(report).toContain('send w2-1 p0: ok offset 3, 10-15 ms');
    expect(report).toContain('nemesis 25 ms: kill broker 1 (leader of p0)');
    expect(report).not.toContain('restart etcd');
    expect(report).toContain('replay the schedule: RUNNEL_NEMESIS_SEED=4242 npm run test:compat');
  });
});
