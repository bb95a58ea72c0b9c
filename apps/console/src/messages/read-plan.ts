/** Where a browse starts: Kafka's `auto.offset.reset` words, an offset, or a time. */
export type BrowseFrom = 'latest' | 'earliest' | 'offset' | 'timestamp';

export interface PartitionRange {
  readonly partition: number;
  /** logStartOffset (ListOffsets -2). */
  readonly earliest: bigint;
  /** The high watermark (ListOffsets -1): the offset the next record will get. */
  readonly latest: bigint;
}

/** One partition's read: records at offsets `start` (inclusive) to `stop` (exclusive). */
export interface PartitionRead {
  readonly partition: number;
  readonly start: bigint;
  readonly stop: bigint;
}

/**
 * Which offsets each partition is read at, at most `perPartition` records each. `latest` reads the
 * last records before the high watermark (the newest); the others read forward from their start,
 * which `starts` gives for `timestamp` (the first offset at or after it, per partition) and
 * `offset` gives for `offset`. A start outside [earliest, latest] is moved to the nearer end, as
 * `kafka-consumer-groups --reset-offsets --to-offset` does. Partitions with nothing to read are left out.
 */
export function planReads(
  ranges: readonly PartitionRange[],
  from: BrowseFrom,
  perPartition: number,
  options: { offset?: bigint; starts?: ReadonlyMap<number, bigint> } = {},
): PartitionRead[] {
  const cap = BigInt(perPartition);
  const reads: PartitionRead[] = [];
  for (const { partition, earliest, latest } of ranges) {
    let start: bigint;
    if (from === 'latest') start = latest - cap > earliest ? latest - cap : earliest;
    else if (from === 'earliest') start = earliest;
    else if (from === 'offset') start = options.offset ?? earliest;
    else start = options.starts?.get(partition) ?? latest;
    start = clampOffset(start, earliest, latest);
    const stop = start + cap < latest ? start + cap : latest;
    if (stop > start) reads.push({ partition, start, stop });
  }
  return reads;
}

/** `offset` moved into [low, high]; Math.min and Math.max do not take bigints. */
export function clampOffset(offset: bigint, low: bigint, high: bigint): bigint {
  if (offset < low) return low;
  return offset > high ? high : offset;
}
