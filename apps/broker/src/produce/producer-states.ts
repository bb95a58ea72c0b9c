import type { PartitionLog } from '@runnel/log-store';
import { ProducerStateManager } from './producer-state-manager.js';

/** How often producer expiry is checked (Kafka's `producer.id.expiration.check.interval.ms`): 10 minutes. */
const EXPIRATION_CHECK_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The ProducerStateManager of every partition log, rebuilt from the log's batch headers the first
 * time a produce reaches that log after the broker starts (or after the log was created): the log
 * is the only record of producer state, so a retry of a batch written before a restart is still
 * recognised. Replay reads headers only (PartitionLog.batchHeaders), no records.
 *
 * Keyed by the log object itself, so a topic deleted and created again under the same name starts
 * with empty state, and the state of a deleted log goes with it.
 */
export class ProducerStates {
  private readonly byLog = new WeakMap<PartitionLog, ProducerStateManager>();

  constructor(
    /** `producer.id.expiration.ms`: how long a silent producer's state is kept. */
    private readonly expirationMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The state of `log`'s producers; throws the log's KafkaStorageError if its headers cannot be read. */
  of(log: PartitionLog): ProducerStateManager {
    let state = this.byLog.get(log);
    if (state === undefined) {
      state = ProducerStateManager.rebuild(log.batchHeaders(), {
        expirationMs: this.expirationMs,
        expirationCheckIntervalMs: EXPIRATION_CHECK_INTERVAL_MS,
        nowMs: this.now(),
      });
      this.byLog.set(log, state);
    }
    return state;
  }
}
