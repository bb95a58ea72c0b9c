import type { LoggerService } from '@nestjs/common';
import type { Consumer, ConsumerMessage, EachBatchPayload, Producer, Runnel } from '@runnel/client';
import { isPayloadValidationError } from '../errors/payload-validation.exception.js';
import { ContiguousOffsetTracker } from '../helpers/contiguous-offset-tracker.js';
import { KeyOrderedQueue } from '../helpers/key-ordered-queue.js';
import { retryBackoffMs, sleep } from '../helpers/retry-backoff.js';
import type { ResolvedRunnelServerOptions } from '../interfaces/runnel-server-options.interface.js';
import { type DeadLetterEvent, deadLetterMessage, deadLetterTopic, errorMessage } from './dead-letter.js';

/** One record handed to the server's dispatch, with what its context needs. */
export interface InboundRecord {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly message: ConsumerMessage;
  readonly consumer: Consumer;
  readonly heartbeat: () => Promise<void>;
}

/** Runs a record's handler; rejects with what the handler failed with. */
export type Dispatch = (record: InboundRecord, attempt: number) => Promise<void>;

/**
 * One consumer group of a ServerRunnel: its consumer, and the per-partition machinery that runs
 * handlers with per-key order, retries, dead letters and commits that never pass an unfinished
 * record.
 *
 * Each fetched batch of a partition is handled by one `eachBatch` call: its records go into a
 * KeyOrderedQueue (one key at a time in offset order, up to `maxConcurrency` handlers at once)
 * and a ContiguousOffsetTracker; as records finish, the offset below which all have finished is
 * resolved, which is what the consumer commits (every `autoCommitIntervalMs`, on a revocation,
 * and at shutdown). The partition's next batch starts once this one's records are all done; other
 * partitions go on meanwhile (`partitionsConsumedConcurrently`).
 *
 * A record is done when its handler succeeded, or it was dead-lettered (or, with `deadLetter`
 * false, passed over) after its last attempt. A record is never done when the group stops first:
 * then it is left unresolved, uncommitted, and read again by the next owner of its partition.
 */
export class GroupConsumer {
  readonly consumer: Consumer;
  private readonly stopSignal = new AbortController();
  private readonly graceExpired: Promise<void>;
  private expireGrace: () => void = () => undefined;

  constructor(
    client: Runnel,
    readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly options: ResolvedRunnelServerOptions,
    private readonly producer: Producer,
    private readonly dispatch: Dispatch,
    private readonly logger: LoggerService,
    private readonly onDeadLetter: (event: DeadLetterEvent) => void,
  ) {
    this.consumer = client.consumer({ ...options.consumer, groupId });
    this.graceExpired = new Promise((resolve) => {
      this.expireGrace = resolve;
    });
  }

  /** Joins the group; resolves once the first assignment is being fetched. */
  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.topics], fromBeginning: this.options.fromBeginning });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /**
   * Starts no further record and no further retry; waits up to `shutdownGraceMs` for running
   * handlers, then the consumer commits what finished and leaves the group.
   */
  async stop(): Promise<void> {
    this.stopSignal.abort();
    const timer = setTimeout(this.expireGrace, this.options.shutdownGraceMs);
    try {
      await this.consumer.disconnect();
    } finally {
      clearTimeout(timer);
    }
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const tracker = new ContiguousOffsetTracker();
    const queue = new KeyOrderedQueue(this.options.maxConcurrency, (error) =>
      this.logger.error(`group '${this.groupId}' ${topic}[${partition}]: ${errorMessage(error)}`),
    );
    let abandoned = false;
    for (const message of batch.messages) {
      tracker.track(message.offset);
      // Keys as latin1 strings: one string per byte sequence, so equal keys and only they share an order.
      queue.push(message.key?.toString('latin1') ?? null, async () => {
        if (this.stopSignal.signal.aborted || isStale()) return;
        const record = {
          groupId: this.groupId,
          topic,
          partition,
          message,
          consumer: this.consumer,
          heartbeat,
        };
        if (!(await this.deliver(record, isStale)) || abandoned) return;
        const through = tracker.complete(message.offset);
        if (through !== undefined && !isStale()) resolveOffset(through);
        await heartbeat();
      });
    }
    // At shutdown, handlers still running after the grace period are abandoned: their records stay
    // unresolved, so the commit that follows stops before the first of them.
    await Promise.race([queue.idle(), this.graceExpired]);
    abandoned = true;
  }

  /**
   * Tries the record's handler up to `retry.attempts` times; returns whether the record is done.
   * Retries end early, the record not done, when the group stops or the partition is revoked
   * (`isStale`): its next owner reads it again.
   */
  private async deliver(record: InboundRecord, isStale: () => boolean): Promise<boolean> {
    const { attempts, backoffMs, maxBackoffMs } = this.options.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dispatch(record, attempt);
        return true;
      } catch (error) {
        // The same bytes would fail validation again: no retry.
        if (isPayloadValidationError(error) || attempt >= attempts)
          return this.giveUp(record, error, attempt);
        this.logger.warn?.(
          `group '${this.groupId}' ${record.topic}[${record.partition}] offset ${record.message.offset}: ` +
            `attempt ${attempt} of ${attempts} failed (${errorMessage(error)}); retrying`,
        );
        const waited = await sleep(retryBackoffMs(attempt, backoffMs, maxBackoffMs), this.stopSignal.signal);
        if (!waited || isStale()) return false;
      }
    }
  }

  /** After the last attempt: the dead-letter topic, or with `deadLetter` false a log line. Returns whether done. */
  private async giveUp(record: InboundRecord, error: unknown, attempts: number): Promise<boolean> {
    const { topic, partition, message } = record;
    const event = { groupId: this.groupId, topic, partition, offset: message.offset, attempts, error };
    const where = `group '${this.groupId}' ${topic}[${partition}] offset ${message.offset}`;
    if (!this.options.deadLetter) {
      this.logger.error(`${where}: failed after ${attempts} attempt(s), passed over: ${errorMessage(error)}`);
      this.onDeadLetter({ ...event, deadLetterTopic: undefined });
      return true;
    }
    const dlq = deadLetterTopic(topic);
    const { backoffMs, maxBackoffMs } = this.options.retry;
    // Until the dead letter is written the record is not done; the partition waits for it rather
    // than pass it (a later commit would skip it). A stop leaves it uncommitted, read again later.
    for (let failures = 1; ; failures++) {
      try {
        await this.producer.send({ topic: dlq, messages: [deadLetterMessage(message, event)] });
        break;
      } catch (sendError) {
        this.logger.error(
          `${where}: could not be sent to '${dlq}' (${errorMessage(sendError)}); trying again`,
        );
        const waited = await sleep(retryBackoffMs(failures, backoffMs, maxBackoffMs), this.stopSignal.signal);
        if (!waited) return false;
      }
    }
    this.logger.warn?.(`${where}: sent to '${dlq}' after ${attempts} attempt(s): ${errorMessage(error)}`);
    this.onDeadLetter({ ...event, deadLetterTopic: dlq });
    return true;
  }
}
