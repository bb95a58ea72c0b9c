import type { Clock } from './clock.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import { LogCheckpoint } from './log-checkpoint.js';
import type { LogConfig } from './log-config.js';
import { DELETED_FILE_SUFFIX } from './log-file-names.js';
import type { LogFlusher } from './log-flusher.js';
import { LogSegment } from './log-segment.js';
import type { LogSegments } from './log-segments.js';
import { loadProducerState } from './producer-state-loader.js';
import { ProducerStateManager } from './producer-state-manager.js';
import { ProducerStateSnapshot } from './producer-state-snapshot.js';
import { syncDir } from './storage-io.js';

/** What a truncation works on: the parts of a PartitionLog it changes. */
export interface TruncationContext {
  readonly dir: string;
  readonly config: LogConfig;
  readonly clock: Clock;
  readonly segments: LogSegments;
  readonly flusher: LogFlusher;
  readonly leaderEpochs: LeaderEpochCache;
  readonly logStartOffset: bigint;
  readonly cleanerOffset: bigint;
}

/** The log's offsets and producer state once the truncation is done. */
export interface TruncatedLog {
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  readonly cleanerOffset: bigint;
  readonly producerState: ProducerStateManager;
}

/** One step of a truncation: a crash may stop the process between any two. */
export type TruncationStep = () => void;

/**
 * A follower's truncation of its log (Kafka's UnifiedLog.truncateTo), as steps such that a crash
 * between any two leaves files that LogLoader opens as a consistent log: a prefix of the log
 * before the truncation, at least as long as the log after it. A log that comes back longer than
 * the cut is diverged again, and its follower truncates it again.
 *
 * A cut at `target` at or above the first segment's base offset ends the log where the batch
 * holding `target` starts (`newEnd`, at most `target`):
 * 1. the checkpoint's recovery point and cleaner offset come down to newEnd (a lower recovery
 *    point only makes recovery rescan more), and so does the log start offset if it was above
 *    (as Kafka's: the leader's records below it are then this log's too);
 * 2. every segment whose base offset is above target is renamed `.deleted`, newest first, so that
 *    what remains after a crash has no hole (LogLoader removes `.deleted` files);
 * 3. the directory is fsynced;
 * 4. the segment holding the cut is truncated at newEnd, its indexes rebuilt; it is the active
 *    segment from now on (a crash in between: recovery rebuilds its indexes, as for any
 *    active segment);
 * 5. the renamed files are removed;
 * 6. the leader epochs starting at or after newEnd are dropped (LeaderEpochCache.open does the
 *    same for a log that came back shorter);
 * 7. the producer-state snapshots above newEnd are deleted and the state rebuilt from the newest
 *    that remains (loadProducerState does the same at open).
 *
 * A cut below the first segment (Kafka's truncateFullyAndStartAt: the leader's log diverged
 * before this log starts) writes target as log start offset, recovery point and cleaner offset
 * into the checkpoint first, renames every segment `.deleted` newest first, fsyncs the directory,
 * creates an empty segment at target, removes the old files, and clears the leader epochs, the
 * producer state and its snapshots. A crash before the new segment exists leaves no segment, and
 * LogLoader starts an empty one at the checkpoint's log start offset: target.
 *
 * The last step hands the new offsets and producer state to `done`.
 */
export function truncationSteps(
  context: TruncationContext,
  target: bigint,
  done: (log: TruncatedLog) => void,
): TruncationStep[] {
  const { segments } = context;
  segments.active.log.writePending();
  return segments.all[0]!.baseOffset > target
    ? fullTruncationSteps(context, target, done)
    : partialTruncationSteps(context, target, done);
}

function partialTruncationSteps(
  context: TruncationContext,
  target: bigint,
  done: (log: TruncatedLog) => void,
): TruncationStep[] {
  const { dir, segments, flusher } = context;
  const holding = segments.all[segments.floorIndex(target)]!;
  const doomed = segments.all.filter((segment) => segment.baseOffset > target);
  const cut = holding.translateOffset(target);
  const newEnd = cut === undefined ? holding.nextOffset : cut.header.baseOffset;
  const logStartOffset = bounded(context.logStartOffset, 0n, newEnd);
  const cleanerOffset = bounded(context.cleanerOffset, logStartOffset, newEnd);
  return [
    () => {
      flusher.truncated(newEnd, doomed);
      writeCheckpoint(context, logStartOffset, cleanerOffset);
    },
    ...[...doomed].reverse().map((segment) => () => segment.renameTo(dir, DELETED_FILE_SUFFIX)),
    () => syncDir(dir),
    () => {
      if (cut !== undefined) holding.truncateTo(target);
      flusher.markUnflushed(holding);
    },
    () => segments.removeNewest(doomed.length),
    () => context.leaderEpochs.truncateFrom(newEnd),
    () => {
      for (const offset of ProducerStateSnapshot.offsets(dir)) {
        if (offset > newEnd) ProducerStateSnapshot.delete(dir, offset);
      }
      const { state } = loadProducerState(dir, segments.all, newEnd);
      done({ logStartOffset, logEndOffset: newEnd, cleanerOffset, producerState: state });
    },
  ];
}

function fullTruncationSteps(
  context: TruncationContext,
  target: bigint,
  done: (log: TruncatedLog) => void,
): TruncationStep[] {
  const { dir, segments, flusher } = context;
  const old = segments.all.slice();
  let fresh: LogSegment | undefined;
  return [
    () => {
      flusher.truncated(target, old);
      writeCheckpoint(context, target, target);
    },
    ...[...old].reverse().map((segment) => () => segment.renameTo(dir, DELETED_FILE_SUFFIX)),
    () => syncDir(dir),
    () => {
      fresh = LogSegment.create(dir, target, context.config, context.clock.now());
      flusher.markCreated(fresh);
    },
    () => segments.replaceAll(fresh!),
    () => context.leaderEpochs.clear(),
    () => {
      for (const offset of ProducerStateSnapshot.offsets(dir)) ProducerStateSnapshot.delete(dir, offset);
      done({
        logStartOffset: target,
        logEndOffset: target,
        cleanerOffset: target,
        producerState: new ProducerStateManager(dir),
      });
    },
  ];
}

/** The checkpoint with the flusher's (lowered) recovery point and the offsets the truncation leaves. */
function writeCheckpoint(context: TruncationContext, logStartOffset: bigint, cleanerOffset: bigint): void {
  LogCheckpoint.write(context.dir, {
    recoveryPoint: context.flusher.recoveryPoint,
    logStartOffset,
    cleanerOffset,
  });
}

function bounded(offset: bigint, min: bigint, max: bigint): bigint {
  return offset < min ? min : offset > max ? max : offset;
}
