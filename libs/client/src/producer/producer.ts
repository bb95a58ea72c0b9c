import { ErrorCode, KafkaError, type Partitioner, type Serializer } from '@runnel/protocol';
import { isRetriable } from '../errors/is-retriable.js';
import type { Cluster } from '../metadata/cluster.js';
import { BufferPool } from './buffer-pool.js';
import { PendingSend } from './pending-send.js';
import { ProducerBlockedTimeoutError, ProducerClosedError, UnknownTopicError } from './producer-errors.js';
import {
  type ProducerOptions,
  type ResolvedProducerOptions,
  resolveProducerOptions,
} from './producer-options.js';
import type {
  Message,
  ProducerRecord,
  RecordMetadata,
  RecordValue,
  TopicMessages,
} from './producer-record.js';
import { RecordAccumulator } from './record-accumulator.js';
import { RecordAppender } from './record-appender.js';
import { type SerializedRecords, serializeMessages } from './record-serialization.js';
import { Sender } from './sender.js';

type State = 'new' | 'connecting' | 'connected' | 'disconnecting' | 'disconnected';

/**
 * The producer: `send()` serializes a call's records, places each on a partition (an explicit
 * one, else the partitioner's choice over the topic's partitions from the metadata cache) and
 * appends it to that partition's open batch in the RecordAccumulator; the Sender ships batches to
 * their leaders. One promise per send() call; none per record.
 *
 * Order: records of one send() are appended in input order, and calls are appended in the order
 * they were made: a call that waits (for buffer memory or for a topic's first metadata) holds the
 * calls behind it, so two records with the same key reach the partition in the order they were
 * sent, and idempotence keeps that order across retries.
 */
export class Producer<K = RecordValue, V = RecordValue> {
  private readonly options: ResolvedProducerOptions;
  private readonly pool: BufferPool;
  private readonly accumulator: RecordAccumulator;
  private readonly sender: Sender;
  private readonly partitioner: Partitioner;
  private readonly appender: RecordAppender;
  private readonly keySerializer: Serializer<K> | undefined;
  private readonly valueSerializer: Serializer<V> | undefined;
  private state: State = 'new';
  private connecting: Promise<void> | undefined;
  private disconnecting: Promise<void> | undefined;
  /** The last call that had to wait; later calls append after it. */
  private waitingLine: Promise<void> | undefined;
  private waitingCalls = 0;

  constructor(
    private readonly cluster: Cluster,
    options: ProducerOptions<K, V> = {},
  ) {
    this.options = resolveProducerOptions(options as ProducerOptions);
    this.keySerializer = options.keySerializer;
    this.valueSerializer = options.valueSerializer;
    this.partitioner = this.options.partitioner;
    this.pool = new BufferPool(this.options.bufferMemory, this.options.batchSize);
    this.accumulator = new RecordAccumulator(this.options, this.pool, (topic, prevPartition) =>
      this.partitioner.onNewBatch?.({
        topic,
        prevPartition,
        partitionCount: this.cluster.partitionCount(topic) ?? prevPartition + 1,
        availablePartitions: this.availablePartitions(topic),
      }),
    );
    this.sender = new Sender(this.options, this.accumulator, cluster);
    this.appender = new RecordAppender(
      this.options,
      this.accumulator,
      this.pool,
      this.partitioner,
      () => this.sender.wake(),
      (topic) => this.availablePartitions(topic),
    );
  }

  /** The topic's partitions that have a leader, from the metadata cache; undefined when all have. */
  private availablePartitions(topic: string): readonly number[] | undefined {
    const partitions = this.cluster.topicMetadata(topic)?.partitions;
    if (partitions === undefined || partitions.every((p) => p.leader >= 0)) return undefined;
    return partitions.filter((p) => p.leader >= 0).map((p) => p.partition);
  }

  /** Bytes of bufferMemory not held by batches now (Kafka's `buffer-available-bytes` metric). */
  get bufferAvailableBytes(): number {
    return this.pool.available;
  }

  /** Connects to the cluster and, when idempotent, gets a producer id. */
  connect(): Promise<void> {
    if (this.state === 'disconnecting' || this.state === 'disconnected') {
      return Promise.reject(new ProducerClosedError('connect()', 'disconnected'));
    }
    this.connecting ??= (async () => {
      this.state = 'connecting';
      await this.cluster.connect();
      await this.sender.initProducerId();
      this.state = 'connected';
    })().catch((err: unknown) => {
      this.state = 'new';
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  /**
   * Sends records of one topic (`{ topic, messages }`) or one record (`{ topic, key, value }`);
   * resolves with one RecordMetadata per record, in input order, once all are acknowledged
   * (with acks 0: once written to the socket, offset -1n).
   */
  send<CK = K, CV = V>(
    input: TopicMessages<CK, CV> | ProducerRecord<NoInfer<CK>, NoInfer<CV>>,
  ): Promise<RecordMetadata[]> {
    if (this.state !== 'connected') {
      const state = this.state === 'new' || this.state === 'connecting' ? 'not connected' : 'disconnected';
      return Promise.reject(new ProducerClosedError('send()', state));
    }
    const { topic } = input;
    if (typeof topic !== 'string' || topic.length === 0) {
      return Promise.reject(new TypeError(`send(): topic must be a non-empty string, got ${String(topic)}`));
    }
    const messages: readonly Message<CK, CV>[] = 'messages' in input ? input.messages : [input];
    if (!Array.isArray(messages)) {
      return Promise.reject(new TypeError(`send(): messages of topic '${topic}' must be an array`));
    }
    const keySerializer = ('keySerializer' in input ? input.keySerializer : undefined) ?? this.keySerializer;
    const valueSerializer =
      ('valueSerializer' in input ? input.valueSerializer : undefined) ?? this.valueSerializer;
    let records: SerializedRecords;
    try {
      records = serializeMessages(
        topic,
        messages,
        keySerializer as Serializer<CK> | undefined,
        valueSerializer as Serializer<CV> | undefined,
        Date.now(),
      );
      this.appender.checkSizes(topic, records);
    } catch (err) {
      return Promise.reject(err);
    }
    const send = new PendingSend(topic, records.count, records.timestamps);
    const partitionCount = this.cluster.partitionCount(topic);
    if (this.waitingLine === undefined && partitionCount !== undefined) {
      const blocked = this.appender.appendFrom(
        send,
        topic,
        partitionCount,
        this.accumulator.partitionsOf(topic, partitionCount),
        records,
        0,
        Date.now() + this.options.maxBlockMs,
      );
      if (blocked !== undefined) this.wait(blocked, send);
    } else {
      const deadline = Date.now() + this.options.maxBlockMs;
      // Waiting behind earlier calls counts against this call's own maxBlockMs too, so calls
      // piling up behind a stalled one fail on time rather than wait in line without bound.
      const line = this.waitingLine;
      const timer =
        line === undefined
          ? undefined
          : setTimeout(
              () =>
                send.fail(
                  new ProducerBlockedTimeoutError(
                    topic,
                    'earlier send() calls, waiting for metadata or buffer memory, did not finish',
                    this.options.maxBlockMs,
                  ),
                ),
              this.options.maxBlockMs,
            );
      this.wait(
        (line ?? Promise.resolve()).then(async () => {
          clearTimeout(timer);
          if (send.isSettled) return;
          const count = partitionCount ?? (await this.topicPartitionCount(topic, deadline));
          const partitions = this.accumulator.partitionsOf(topic, count);
          await this.appender.appendFrom(send, topic, count, partitions, records, 0, deadline);
        }),
        send,
      );
    }
    this.sender.wake();
    return send.promise;
  }

  /** Sends every batch at once, lingerMs or not, and resolves when the records sent so far are acknowledged or failed. */
  async flush(): Promise<void> {
    if (this.state !== 'connected' && this.state !== 'disconnecting') {
      throw new ProducerClosedError(
        'flush()',
        this.state === 'disconnected' ? 'disconnected' : 'not connected',
      );
    }
    await this.waitingLine;
    const flushed = this.accumulator.flush();
    this.sender.wake();
    await flushed;
  }

  /**
   * Refuses new sends, flushes what was sent, stops, and leaves the shared Cluster (which closes its
   * connections when its last user leaves); later send() calls reject with ProducerClosedError.
   */
  disconnect(): Promise<void> {
    this.disconnecting ??= (async () => {
      const wasConnected = this.state === 'connected';
      if (wasConnected) {
        this.state = 'disconnecting';
        await this.flush();
      }
      this.state = 'disconnected';
      this.sender.stop();
      if (wasConnected) await this.cluster.disconnect();
    })();
    return this.disconnecting;
  }

  /** Queues `work` behind earlier waiting calls; a failure fails `send` (when given) and not the line. */
  private wait(work: Promise<void>, send: PendingSend): void {
    this.waitingCalls++;
    const settled = work.then(
      () => undefined,
      (err: Error) => send.fail(err),
    );
    const line = settled.finally(() => {
      if (--this.waitingCalls === 0) this.waitingLine = undefined;
      this.sender.wake();
    });
    this.waitingLine = line;
  }

  /**
   * The topic's partition count from a metadata request (which may create it). A topic the broker
   * says does not exist is an UnknownTopicError at once; one still being created (no partitions or
   * leaders yet, or a retriable error) is asked about again until `deadline`.
   */
  private async topicPartitionCount(topic: string, deadline: number): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      let lastError: unknown;
      try {
        const metadata = await withDeadline(
          this.cluster.metadata([topic], { allowAutoTopicCreation: this.options.allowAutoTopicCreation }),
          deadline,
          () => new ProducerBlockedTimeoutError(topic, 'no metadata for the topic', this.options.maxBlockMs),
        );
        const described = metadata.topics.get(topic);
        if (described === undefined) throw new UnknownTopicError(topic);
        if (described.errorCode !== ErrorCode.NONE) {
          const error = KafkaError.fromCode(described.errorCode, { context: `topic '${topic}'` });
          if (!error.retriable) throw error;
          lastError = error;
        } else {
          const count = this.cluster.partitionCount(topic);
          if (count !== undefined && count > 0) return count;
        }
      } catch (err) {
        if (!isRetriable(err)) throw err;
        lastError = err;
      }
      const backoff = this.sender.backoffMs(attempt);
      if (Date.now() + backoff >= deadline) {
        throw new ProducerBlockedTimeoutError(topic, 'no metadata for the topic', this.options.maxBlockMs, {
          cause: lastError,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
}

/** `promise`, or a rejection with `onTimeout()` once `deadline` (ms since the epoch) has passed. */
function withDeadline<T>(promise: Promise<T>, deadline: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
