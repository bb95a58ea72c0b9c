/** What retention needs to know about a segment. */
export interface SegmentSummary {
  baseOffset: bigint;
  /** Bytes in the segment's `.log`. */
  size: number;
  /** Largest record timestamp in the segment, -1 when its batches carry none. */
  maxTimestamp: bigint;
}

export interface RetentionInput {
  /** Oldest first; the last one is the active segment. */
  segments: readonly SegmentSummary[];
  logStartOffset: bigint;
  nowMs: number;
  /** -1 (or Infinity) keeps data forever. */
  retentionMs: number;
  /** -1 for no limit. */
  retentionBytes: number;
  /** False for cleanupPolicy 'compact': then only the log start offset removes segments. */
  deleteByRetention: boolean;
}

export interface RetentionDecision {
  /** How many of the oldest segments to delete. */
  count: number;
  /** Why, for the log. */
  reason: string;
}

/**
 * Which old segments retention deletes, as Kafka decides it. Each rule deletes a prefix of the
 * segments, and the longest prefix wins:
 *
 * - log start offset: a segment whose successor starts at or below the log start offset holds
 *   nothing readable (after deleteRecordsBefore);
 * - retentionMs: segments whose newest record is more than retentionMs older than now, up to the
 *   first that is not (a segment without timestamps is never expired by time; an empty closed
 *   one, as compaction can leave, always is);
 * - retentionBytes: the oldest segments, while the log minus them is still at least
 *   retentionBytes.
 *
 * The active segment counts like any other when it holds data (the log then rolls before
 * deleting it); an empty active segment is never deleted.
 */
export function retentionDecision(input: RetentionInput): RetentionDecision {
  const { segments } = input;
  const deletable = segments.at(-1)?.size === 0 ? segments.length - 1 : segments.length;
  const rules: RetentionDecision[] = [];

  let belowStart = 0;
  while (belowStart < segments.length - 1 && segments[belowStart + 1]!.baseOffset <= input.logStartOffset)
    belowStart++;
  rules.push({ count: belowStart, reason: `entirely below the log start offset ${input.logStartOffset}` });

  if (input.deleteByRetention && input.retentionMs >= 0 && Number.isFinite(input.retentionMs)) {
    const horizon = BigInt(input.nowMs - input.retentionMs);
    let expired = 0;
    const isExpired = ({ size, maxTimestamp }: SegmentSummary) =>
      size === 0 || (maxTimestamp >= 0n && maxTimestamp < horizon);
    while (expired < deletable && isExpired(segments[expired]!)) expired++;
    rules.push({ count: expired, reason: `newest record older than retentionMs ${input.retentionMs}` });
  }

  if (input.deleteByRetention && input.retentionBytes >= 0) {
    let excess = segments.reduce((sum, s) => sum + s.size, 0) - input.retentionBytes;
    let oversize = 0;
    while (oversize < deletable && excess - segments[oversize]!.size >= 0) {
      excess -= segments[oversize]!.size;
      oversize++;
    }
    rules.push({ count: oversize, reason: `log larger than retentionBytes ${input.retentionBytes}` });
  }

  return rules.reduce((best, rule) => (rule.count > best.count ? rule : best), {
    count: 0,
    reason: 'nothing to delete',
  });
}
