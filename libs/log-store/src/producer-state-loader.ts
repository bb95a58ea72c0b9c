import { producerSnapshotFile } from './log-file-names.js';
import { type LogSegment, lastOffsetOf } from './log-segment.js';
import { ProducerStateManager } from './producer-state-manager.js';
import { ProducerStateSnapshot } from './producer-state-snapshot.js';

/** The producer state of a log as recovery rebuilt it, and how. */
export interface LoadedProducerState {
  state: ProducerStateManager;
  /** Offset of the snapshot the state was loaded from; undefined when the whole log was scanned. */
  snapshotOffset: bigint | undefined;
  /** Batch headers read after the snapshot (or from the log start without one). */
  batchesScanned: number;
  /** Corrupt snapshots found (and deleted), one line each, for the recovery report. */
  lines: string[];
}

/**
 * Rebuilds the idempotent-producer state of a recovered log (Kafka's
 * ProducerStateManager.truncateAndReload, then the replay of UnifiedLog.loadProducerState):
 * 1. `.snapshot.tmp` files (writes a crash interrupted) are deleted, and so are snapshots past
 *    `logEndOffset`, whose state holds batches recovery truncated;
 * 2. the newest snapshot whose CRC and layout hold is loaded; a corrupt one is deleted and
 *    noted, and the next older one tried;
 * 3. the headers of the batches from that snapshot's offset (or, without one, from the start of
 *    the log) to the end are replayed into the state.
 * Of the snapshots older than the one loaded, those written at a roll (named by a segment's base
 * offset) stay until their segment is deleted; the others (clean shutdowns since superseded) are
 * deleted.
 */
export function loadProducerState(
  dir: string,
  segments: readonly LogSegment[],
  logEndOffset: bigint,
): LoadedProducerState {
  ProducerStateSnapshot.deleteTemporaryFiles(dir);
  const lines: string[] = [];
  let state: ProducerStateManager | undefined;
  let snapshotOffset: bigint | undefined;
  const segmentBases = new Set(segments.map((segment) => segment.baseOffset));
  for (const offset of ProducerStateSnapshot.offsets(dir).reverse()) {
    if (offset > logEndOffset) {
      ProducerStateSnapshot.delete(dir, offset);
      continue;
    }
    if (state !== undefined) {
      // Older than the one loaded: roll snapshots stay with their segments, the rest is stale.
      if (!segmentBases.has(offset) || offset < segments[0]!.baseOffset)
        ProducerStateSnapshot.delete(dir, offset);
      continue;
    }
    const read = ProducerStateSnapshot.read(producerSnapshotFile(dir, offset));
    if ('corrupt' in read) {
      lines.push(
        `producer state snapshot ${producerSnapshotFile(dir, offset)} is corrupt (${read.corrupt}): deleted, rebuilding from an older snapshot or the log`,
      );
      ProducerStateSnapshot.delete(dir, offset);
      continue;
    }
    state = new ProducerStateManager(dir, read.producers);
    snapshotOffset = offset;
  }
  state ??= new ProducerStateManager(dir);
  let batchesScanned = 0;
  const from = snapshotOffset ?? segments[0]!.baseOffset;
  for (const segment of segments) {
    if (segment.nextOffset <= from) continue;
    for (const { header } of segment.batchHeaders(segment.offsetIndex.lookup(from).position)) {
      if (lastOffsetOf(header) < from) continue;
      state.update(header, header.baseOffset);
      batchesScanned++;
    }
  }
  return { state, snapshotOffset, batchesScanned, lines };
}
