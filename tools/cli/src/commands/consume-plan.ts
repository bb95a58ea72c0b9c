import type { PartitionOffset } from '@runnel/client';

/** Where `runnel consume` starts, from its flags. */
export type StartChoice =
  | { kind: 'latest' }
  | { kind: 'earliest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'time'; timestamp: number };

export interface PartitionRange {
  partition: number;
  earliestOffset: bigint;
  latestOffset: bigint;
}

/**
 * The start offset of each partition. `--offset N` must lie within a partition's
 * [earliest, latest] (latest: wait for the next record); anything else is refused naming the
 * topic, partition and range, rather than silently reset as auto.offset.reset would.
 * `byTime` is ListOffsets by timestamp: the high watermark where no record is that recent.
 */
export function planStarts(
  topic: string,
  partitions: readonly PartitionRange[],
  start: StartChoice,
  byTime: readonly PartitionOffset[],
): { partition: number; offset: bigint }[] {
  return partitions.map(({ partition, earliestOffset, latestOffset }) => {
    switch (start.kind) {
      case 'latest':
        return { partition, offset: latestOffset };
      case 'earliest':
        return { partition, offset: earliestOffset };
      case 'offset':
        if (start.offset < earliestOffset || start.offset > latestOffset) {
          throw new Error(
            `topic '${topic}' partition ${partition}: offset ${start.offset} is out of range (earliest offset ${earliestOffset}, latest offset ${latestOffset})`,
          );
        }
        return { partition, offset: start.offset };
      case 'time': {
        const found = byTime.find((p) => p.partition === partition);
        return { partition, offset: found === undefined || found.offset < 0n ? latestOffset : found.offset };
      }
    }
    return start satisfies never;
  });
}
