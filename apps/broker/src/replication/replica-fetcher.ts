import type { LoggerService } from '@nestjs/common';
import type { PartitionLog } from '@runnel/log-store';
import { ErrorCode, Fetch, KafkaError } from '@runnel/protocol';
import { type InterBrokerSecurity, ReplicaConnection } from './replica-connection.js';

/** Fetch v12: the newest this broker serves; carries currentLeaderEpoch (v9+). */
const FETCH_VERSION = 12;
/** How long the leader may hold a follower's fetch when it has nothing new (`replica.fetch.wait.max.ms`, Kafka's 500). */
const FETCH_WAIT_MS = 500;
/** Bytes per partition and per response (`replica.fetch.max.bytes`, `replica.fetch.response.max.bytes`, Kafka's defaults). */
const PARTITION_MAX_BYTES = 1024 * 1024;
const RESPONSE_MAX_BYTES = 10 * 1024 * 1024;
/** Pause after a failed connection or fetch before the next (`replica.fetch.backoff.ms`, Kafka's 1000; shorter, since failover waits for it). */
const BACKOFF_MS = 200;
const CONNECT_TIMEOUT_MS = 5000;

/** A partition this broker follows, at the leader epoch it follows it at. */
export interface FollowedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly log: PartitionLog;
  readonly leaderEpoch: number;
}

/**
 * This broker's fetcher of the partitions one leader broker leads (Kafka's ReplicaFetcherThread):
 * a loop of Fetch requests with this broker's id as `replicaId`, each partition from its log end
 * offset at the leader epoch this broker knows. What comes back is appended as it is
 * (PartitionLog.appendAsFollower: the leader's offsets, epochs and producer state), and the
 * follower's high watermark follows the leader's. The next fetch reports how far this follower
 * got, which is how the leader learns it (its ISR and high watermark).
 *
 * A follower whose last batch's epoch the leader does not have, or has ending earlier (the
 * answer's `divergingEpoch`, after a failover that lost this broker's unreplicated tail),
 * truncates its log there first and fetches on from the new end.
 *
 * A partition the leader refuses (not its leader any more, another epoch: the two brokers'
 * caches may differ for a moment) or whose append fails is logged and left out of the fetches for
 * the backoff, or until the metadata moves it (`remove`/`add` by the ReplicaManager). The loop stops when no partition is left or at `close`.
 */
export class ReplicaFetcher {
  private readonly partitions = new Map<string, FollowedPartition>();
  /** Partitions left out of fetches until the time (ms) given: refused by the leader, or failed to append. */
  private readonly refused = new Map<string, number>();
  private connection: ReplicaConnection | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    readonly leaderId: number,
    private readonly nodeId: number,
    /** The leader's inter-broker listener, undefined while it is not live or has no such listener. */
    private readonly address: () => { host: string; port: number; securityProtocol: string } | undefined,
    private readonly security: InterBrokerSecurity,
    private readonly logger: LoggerService,
  ) {}

  get size(): number {
    return this.partitions.size;
  }

  has(topic: string, partition: number, leaderEpoch: number): boolean {
    return this.partitions.get(key(topic, partition))?.leaderEpoch === leaderEpoch;
  }

  add(followed: FollowedPartition): void {
    const k = key(followed.topic, followed.partition);
    this.partitions.set(k, followed);
    this.refused.delete(k);
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  remove(topic: string, partition: number): void {
    this.partitions.delete(key(topic, partition));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.connection?.close();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.closed && this.partitions.size > 0) {
      try {
        await this.fetchOnce();
      } catch (err) {
        if (this.closed) return;
        this.connection?.close();
        this.connection = undefined;
        this.logger.warn(`fetching from leader ${this.leaderId} failed: ${(err as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS));
      }
    }
    this.connection?.close();
    this.connection = undefined;
  }

  private truncate(followed: FollowedPartition, diverging: { epoch: number; endOffset: bigint }): void {
    const before = followed.log.logEndOffset;
    const after = followed.log.truncateTo(truncationOffset(followed.log, diverging));
    this.logger.warn(
      `${followed.topic}-${followed.partition}: truncated from ${before} to ${after}, where leader ${this.leaderId}'s epoch ${diverging.epoch} ends (${diverging.endOffset})`,
    );
  }

  private async fetchOnce(): Promise<void> {
    const now = Date.now();
    for (const [k, until] of this.refused) if (until <= now) this.refused.delete(k);
    const wanted = [...this.partitions].filter(([k]) => !this.refused.has(k)).map(([, p]) => p);
    if (wanted.length === 0) {
      // Every partition refused: the metadata may move them meanwhile; ask again after the backoff.
      await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS));
      return;
    }
    if (!this.connection || this.connection.closed) {
      const address = this.address();
      if (!address) throw new Error(`broker ${this.leaderId} is not live on the inter-broker listener`);
      const protocol = address.securityProtocol;
      this.connection = await ReplicaConnection.open(
        address.host,
        address.port,
        `replica-fetcher-${this.nodeId}`,
        CONNECT_TIMEOUT_MS,
        {
          ...(protocol === 'SSL' || protocol === 'SASL_SSL' ? { tls: this.security.tls } : {}),
          ...(protocol.startsWith('SASL_') ? { sasl: this.security.sasl } : {}),
        },
      );
    }
    const byTopic = new Map<string, FollowedPartition[]>();
    for (const p of wanted) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
    const response = await this.connection.request(
      Fetch,
      FETCH_VERSION,
      {
        replicaId: this.nodeId,
        maxWaitMs: FETCH_WAIT_MS,
        minBytes: 1,
        maxBytes: RESPONSE_MAX_BYTES,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [...byTopic].map(([topic, partitions]) => ({
          topic,
          partitions: partitions.map((p) => ({
            partition: p.partition,
            currentLeaderEpoch: p.leaderEpoch,
            fetchOffset: p.log.logEndOffset,
            lastFetchedEpoch: p.log.leaderEpochs.latestEpoch,
            logStartOffset: p.log.logStartOffset,
            partitionMaxBytes: PARTITION_MAX_BYTES,
          })),
        })),
        forgottenTopicsData: [],
        rackId: '',
      },
      FETCH_WAIT_MS + CONNECT_TIMEOUT_MS,
    );
    KafkaError.throwIfError(response.errorCode, { context: `Fetch from leader ${this.leaderId}` });
    for (const { topic, partitions } of response.responses) {
      for (const answer of partitions) {
        const k = key(topic, answer.partitionIndex);
        const followed = this.partitions.get(k);
        // Moved or removed while the fetch was out: what it brought is for the next owner to fetch.
        if (!followed || !wanted.includes(followed)) continue;
        if (answer.errorCode !== ErrorCode.NONE) {
          this.refused.set(k, Date.now() + BACKOFF_MS);
          this.logger.warn(
            `${topic}-${answer.partitionIndex}: leader ${this.leaderId} refused the fetch at leader epoch ${followed.leaderEpoch} (error ${answer.errorCode})`,
          );
          continue;
        }
        try {
          const diverging = answer.divergingEpoch;
          if (diverging && diverging.endOffset >= 0n) {
            this.truncate(followed, diverging);
            continue;
          }
          if (answer.records && answer.records.length > 0) followed.log.appendAsFollower(answer.records);
          followed.log.advanceHighWatermark(answer.highWatermark);
        } catch (err) {
          if (!(err instanceof KafkaError) && !(err instanceof RangeError)) throw err;
          this.refused.set(k, Date.now() + BACKOFF_MS);
          this.logger.error(
            `${topic}-${answer.partitionIndex}: replicated batches not appended: ${err.message}`,
          );
        }
      }
    }
  }
}

/**
 * Truncates a follower whose log diverges from its leader's (the leader's Fetch answered a
 * `divergingEpoch`): to where the leader's epoch ends, or where this log's own entry of that
 * epoch ends if sooner; to the log start when the leader has no epoch at or below ours.
 */
function truncationOffset(log: PartitionLog, diverging: { epoch: number; endOffset: bigint }): bigint {
  if (diverging.epoch < 0) return log.logStartOffset;
  const own = log.leaderEpochs.endOffsetFor(diverging.epoch, log.logEndOffset);
  return own.epoch === diverging.epoch && own.endOffset < diverging.endOffset
    ? own.endOffset
    : diverging.endOffset;
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
