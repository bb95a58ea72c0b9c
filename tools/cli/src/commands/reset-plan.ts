/** The target of `runnel groups reset-offsets`, one of its `--to-*` / `--shift-by` flags. */
export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'shift'; by: bigint }
  | { kind: 'datetime'; timestamp: number };

export interface ResetInput {
  partition: number;
  earliestOffset: bigint;
  latestOffset: bigint;
  /** The group's committed offset; -1n when none. */
  committed: bigint;
  /** For `datetime`: ListOffsets by timestamp, the first offset at or after it (-1n or missing: none). */
  offsetForTime?: bigint;
}

export interface ResetRow {
  partition: number;
  /** -1n when nothing was committed. */
  currentOffset: bigint;
  newOffset: bigint;
}

/**
 * New offsets as kafka-consumer-groups.sh computes them: `--to-offset` and `--shift-by` are
 * clamped into [earliest, latest] of each partition (Kafka prints a warning and does the same);
 * `--to-datetime` past the newest record gives the latest offset; `--shift-by` needs a committed
 * offset to shift, and a partition without one is refused naming it.
 */
export function planReset(
  group: string,
  topic: string,
  inputs: readonly ResetInput[],
  target: ResetTarget,
): ResetRow[] {
  return inputs.map((p) => {
    const clamp = (o: bigint): bigint =>
      o < p.earliestOffset ? p.earliestOffset : o > p.latestOffset ? p.latestOffset : o;
    let newOffset: bigint;
    switch (target.kind) {
      case 'earliest':
        newOffset = p.earliestOffset;
        break;
      case 'latest':
        newOffset = p.latestOffset;
        break;
      case 'offset':
        newOffset = clamp(target.offset);
        break;
      case 'shift':
        if (p.committed < 0n) {
          throw new Error(
            `group '${group}' has no committed offset for topic '${topic}' partition ${p.partition} to shift; use --to-earliest, --to-latest or --to-offset`,
          );
        }
        newOffset = clamp(p.committed + target.by);
        break;
      case 'datetime':
        newOffset = p.offsetForTime === undefined || p.offsetForTime < 0n ? p.latestOffset : p.offsetForTime;
        break;
    }
    return { partition: p.partition, currentOffset: p.committed, newOffset };
  });
}
