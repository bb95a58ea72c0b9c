import type { PartitionLog, ProducerStateManager } from '@runnel/log-store';

/** How often producer expiry is checked (Kafka's `producer.id.expiration.check.interval.ms`): 10 minutes. */
const EXPIRATION_CHECK_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Where the produce path finds a partition's idempotent-producer state: the log's own
 * (`PartitionLog.producerState`, which log-store keeps equal to the log's batches, loads at open
 * from its `.snapshot` files and the batches after the newest, and snapshots at every roll and
 * clean shutdown), so the first produce after a restart finds it ready. What the broker adds is
 * `producer.id.expiration.ms`: producers silent that long are forgotten, checked at most once per
 * EXPIRATION_CHECK_INTERVAL_MS per log, when a produce reaches it.
 */
export class ProducerStates {
  /** When each log's producers were last checked for expiry; the first produce to a log starts its clock. */
  private readonly lastExpiryCheck = new WeakMap<PartitionLog, number>();

  constructor(
    /** `producer.id.expiration.ms`: how long a silent producer's state is kept. */
    private readonly expirationMs: number,
  ) {}

  /** The state of `log`'s producers, with those expired by `nowMs` removed when a check is due. */
  of(log: PartitionLog, nowMs: number): ProducerStateManager {
    const lastCheck = this.lastExpiryCheck.get(log);
    if (lastCheck === undefined) {
      this.lastExpiryCheck.set(log, nowMs);
    } else if (nowMs - lastCheck >= EXPIRATION_CHECK_INTERVAL_MS) {
      this.lastExpiryCheck.set(log, nowMs);
      log.producerState.removeExpiredProducers(nowMs, this.expirationMs);
    }
    return log.producerState;
  }
}
