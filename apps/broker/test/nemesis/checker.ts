import type { CommitEvent, LogRecord, PartitionOutcome, ReadEvent, SendEvent } from './history.js';

/**
 * The nemesis suite's checker: pure functions from a history and the healed cluster's logs to
 * the violations they show. Each property is one function returning every violation it finds
 * (never stopping at the first), so a broken run says all that broke; `checkAll` runs them all.
 *
 * The committed log of a partition is its leader's log below the high watermark, read after
 * healing (every replica back, the ISR full, the high watermark settled). It is what a consumer
 * can ever read, so acknowledged values are looked for there.
 */

export type Property =
  | 'lost'
  | 'wrong-offset'
  | 'duplicate'
  | 'failed-written'
  | 'unexpected'
  | 'reordered'
  | 'divergent'
  | 'isr-not-identical'
  | 'commit-past-high-watermark'
  | 'dirty-read';

export interface Violation {
  readonly property: Property;
  readonly partition: number;
  readonly message: string;
  /** The values involved, to find their sends in the history. */
  readonly values: readonly string[];
}

/** The leader's records below the high watermark. */
export function committedLog(outcome: PartitionOutcome): readonly LogRecord[] {
  const log = outcome.replicas.get(outcome.leader) ?? [];
  return log.filter((r) => r.offset < outcome.highWatermark);
}

/** `w1-5@12 (producer 3 epoch 0 seq 5, leader epoch 2)`, or without the parenthesis when the record's origin is not known. */
export function describeRecord(r: LogRecord | undefined): string {
  if (!r) return 'nothing';
  const p = r.producer;
  return p
    ? `${r.value}@${r.offset} (producer ${p.id} epoch ${p.epoch} seq ${p.sequence}, leader epoch ${p.leaderEpoch})`
    : `${r.value}@${r.offset}`;
}

function byOffset(log: readonly LogRecord[]): Map<bigint, string> {
  return new Map(log.map((r) => [r.offset, r.value]));
}

/** Every acknowledged value is in its partition's committed log. */
export function checkLost(sends: readonly SendEvent[], outcomes: readonly PartitionOutcome[]): Violation[] {
  const present = new Map(outcomes.map((o) => [o.partition, new Set(committedLog(o).map((r) => r.value))]));
  return sends
    .filter((s) => s.outcome === 'ok' && !present.get(s.partition)?.has(s.value))
    .map((s) => ({
      property: 'lost',
      partition: s.partition,
      message: `${s.value} was acknowledged at p${s.partition} offset ${s.offset} but is not in the committed log`,
      values: [s.value],
    }));
}

/** The committed log holds each acknowledged value at the offset the broker acknowledged. */
export function checkAckedOffsets(
  sends: readonly SendEvent[],
  outcomes: readonly PartitionOutcome[],
): Violation[] {
  const logs = new Map(outcomes.map((o) => [o.partition, byOffset(committedLog(o))]));
  const violations: Violation[] = [];
  for (const s of sends) {
    if (s.outcome !== 'ok' || s.offset === undefined) continue;
    const found = logs.get(s.partition)?.get(s.offset);
    if (found === s.value) continue;
    violations.push({
      property: 'wrong-offset',
      partition: s.partition,
      message: `${s.value} was acknowledged at p${s.partition} offset ${s.offset}, which holds ${found ?? 'nothing'}`,
      values: found === undefined ? [s.value] : [s.value, found],
    });
  }
  return violations;
}

/** No value is in the committed logs twice (in one partition or across partitions). */
export function checkDuplicates(outcomes: readonly PartitionOutcome[]): Violation[] {
  const seen = new Map<string, { partition: number; record: LogRecord }>();
  const violations: Violation[] = [];
  for (const o of outcomes) {
    for (const r of committedLog(o)) {
      const first = seen.get(r.value);
      if (!first) {
        seen.set(r.value, { partition: o.partition, record: r });
        continue;
      }
      violations.push({
        property: 'duplicate',
        partition: o.partition,
        message: `${r.value} is at p${first.partition} ${describeRecord(first.record)} and again at p${o.partition} ${describeRecord(r)}`,
        values: [r.value],
      });
    }
  }
  return violations;
}

/** A send that failed definitely wrote nothing: its value is in no replica's log. */
export function checkFailedWritten(
  sends: readonly SendEvent[],
  outcomes: readonly PartitionOutcome[],
): Violation[] {
  const failed = new Map(sends.filter((s) => s.outcome === 'failed').map((s) => [s.value, s]));
  const violations: Violation[] = [];
  for (const o of outcomes) {
    for (const [broker, log] of o.replicas) {
      for (const r of log) {
        const send = failed.get(r.value);
        if (!send) continue;
        violations.push({
          property: 'failed-written',
          partition: o.partition,
          message: `${r.value} failed (${send.error}) but broker ${broker} has it at p${o.partition} offset ${r.offset}`,
          values: [r.value],
        });
      }
    }
  }
  return violations;
}

/** Every value in every replica's log was sent by a writer. */
export function checkUnexpected(
  sends: readonly SendEvent[],
  outcomes: readonly PartitionOutcome[],
): Violation[] {
  const sent = new Set(sends.map((s) => s.value));
  const violations: Violation[] = [];
  for (const o of outcomes) {
    for (const [broker, log] of o.replicas) {
      for (const r of log) {
        if (sent.has(r.value)) continue;
        violations.push({
          property: 'unexpected',
          partition: o.partition,
          message: `broker ${broker} has ${JSON.stringify(r.value)} at p${o.partition} offset ${r.offset}, which no writer sent`,
          values: [r.value],
        });
      }
    }
  }
  return violations;
}

/** Per writer and partition, acknowledged values lie in the committed log in the order they were sent. */
export function checkOrder(sends: readonly SendEvent[], outcomes: readonly PartitionOutcome[]): Violation[] {
  const acked = new Map(sends.filter((s) => s.outcome === 'ok').map((s) => [s.value, s]));
  const violations: Violation[] = [];
  for (const o of outcomes) {
    const last = new Map<number, { n: number; value: string; offset: bigint }>();
    for (const r of committedLog(o)) {
      const send = acked.get(r.value);
      if (!send) continue;
      const previous = last.get(send.writer);
      if (previous && previous.n > send.n) {
        violations.push({
          property: 'reordered',
          partition: o.partition,
          message: `writer ${send.writer}: ${r.value} (sent before ${previous.value}) is at p${o.partition} offset ${r.offset}, after ${previous.value} at offset ${previous.offset}`,
          values: [r.value, previous.value],
        });
      }
      if (!previous || previous.n < send.n)
        last.set(send.writer, { n: send.n, value: r.value, offset: r.offset });
    }
  }
  return violations;
}

/** No offset holds two different values on two replicas. */
export function checkDivergence(outcomes: readonly PartitionOutcome[]): Violation[] {
  const violations: Violation[] = [];
  for (const o of outcomes) {
    const first = new Map<bigint, { broker: number; record: LogRecord }>();
    for (const [broker, log] of o.replicas) {
      for (const r of log) {
        const other = first.get(r.offset);
        if (!other) first.set(r.offset, { broker, record: r });
        else if (other.record.value !== r.value) {
          violations.push({
            property: 'divergent',
            partition: o.partition,
            message: `p${o.partition} offset ${r.offset} holds ${describeRecord(other.record)} on broker ${other.broker} and ${describeRecord(r)} on broker ${broker}`,
            values: [other.record.value, r.value],
          });
        }
      }
    }
  }
  return violations;
}

/** Every in-sync replica's log below the high watermark is the leader's, record for record. */
export function checkIsrIdentical(outcomes: readonly PartitionOutcome[]): Violation[] {
  const violations: Violation[] = [];
  for (const o of outcomes) {
    const leader = committedLog(o);
    for (const broker of o.isr) {
      if (broker === o.leader) continue;
      const log = (o.replicas.get(broker) ?? []).filter((r) => r.offset < o.highWatermark);
      const at = firstDifference(leader, log);
      if (at === undefined) continue;
      const mine = leader[at];
      const theirs = log[at];
      violations.push({
        property: 'isr-not-identical',
        partition: o.partition,
        message: `p${o.partition}: in-sync broker ${broker} differs from leader ${o.leader} below the high watermark ${o.highWatermark} at record ${at}: leader ${describeRecord(mine)}, broker ${broker} ${describeRecord(theirs)}`,
        values: [mine?.value, theirs?.value].filter((v): v is string => v !== undefined),
      });
    }
  }
  return violations;
}

function firstDifference(a: readonly LogRecord[], b: readonly LogRecord[]): number | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]?.offset !== b[i]?.offset || a[i]?.value !== b[i]?.value) return i;
  }
  return undefined;
}

/** No committed offset passes its partition's high watermark (a consumer read only what is committed). */
export function checkCommits(
  commits: readonly CommitEvent[],
  outcomes: readonly PartitionOutcome[],
): Violation[] {
  const highWatermarks = new Map(outcomes.map((o) => [o.partition, o.highWatermark]));
  return commits
    .filter((c) => c.offset > (highWatermarks.get(c.partition) ?? -1n))
    .map((c) => ({
      property: 'commit-past-high-watermark',
      partition: c.partition,
      message: `the group committed p${c.partition} offset ${c.offset} at ${c.atMs} ms, past the high watermark ${highWatermarks.get(c.partition)}`,
      values: [],
    }));
}

/** Every record the consumer was handed is in the committed log at its offset (no read of a record later lost). */
export function checkReads(reads: readonly ReadEvent[], outcomes: readonly PartitionOutcome[]): Violation[] {
  const logs = new Map(outcomes.map((o) => [o.partition, byOffset(committedLog(o))]));
  return reads
    .filter((r) => logs.get(r.partition)?.get(r.offset) !== r.value)
    .map((r) => {
      const found = logs.get(r.partition)?.get(r.offset);
      return {
        property: 'dirty-read',
        partition: r.partition,
        message: `the consumer read ${r.value} at p${r.partition} offset ${r.offset} (${r.atMs} ms); the committed log holds ${found ?? 'nothing'} there`,
        values: found === undefined ? [r.value] : [r.value, found],
      };
    });
}

export interface CheckInput {
  readonly sends: readonly SendEvent[];
  readonly reads: readonly ReadEvent[];
  readonly commits: readonly CommitEvent[];
  readonly outcomes: readonly PartitionOutcome[];
}

/** Every property's violations. */
export function checkAll({ sends, reads, commits, outcomes }: CheckInput): Violation[] {
  return [
    ...checkLost(sends, outcomes),
    ...checkAckedOffsets(sends, outcomes),
    ...checkDuplicates(outcomes),
    ...checkFailedWritten(sends, outcomes),
    ...checkUnexpected(sends, outcomes),
    ...checkOrder(sends, outcomes),
    ...checkDivergence(outcomes),
    ...checkIsrIdentical(outcomes),
    ...checkCommits(commits, outcomes),
    ...checkReads(reads, outcomes),
  ];
}
