import {
  BATCH_HEADER_SIZE,
  choosePartition,
  ErrorCode,
  KafkaError,
  type Partitioner,
  RECORD_OVERHEAD_BOUND,
  RoundRobinPartitioner,
  type Serializer,
  StickyPartitioner,
  sizeOfRecordPayload,
} from '@runnel/protocol';
import { isRetriable } from '../errors/is-retriable.js';
import type { Cluster } from '../metadata/cluster.js';
import { BufferPool } from './buffer-pool.js';
import { PendingSend } from './pending-send.js';
import {
  ProducerBlockedTimeoutError,
  ProducerClosedError,
  RecordTooLargeError,
  UnknownTopicError,
} from './producer-errors.js';
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
import { AppendResult, RecordAccumulator } from './record-accumulator.js';
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
  private readonly builtInPartitioner: boolean;
  private readonly placement: { topic: string; partitionCount: number; key: Buffer | null; value: null } = {
    topic: '',
    partitionCount: 1,
    key: null,
    value: null,
  };
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
    this.builtInPartitioner =
      this.partitioner instanceof StickyPartitioner || this.partitioner instanceof RoundRobinPartitioner;
    this.pool = new BufferPool(this.options.bufferMemory, this.options.batchSize);
    this.accumulator = new RecordAccumulator(this.options, this.pool, (topic, prevPartition) =>
      this.partitioner.onNewBatch?.({
        topic,
        prevPartition,
        partitionCount: this.cluster.partitionCount(topic) ?? prevPartition + 1,
      }),
    );
    this.sender = new Sender(this.options, this.accumulator, cluster);
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
  send<CK = K, CV = V>(input: TopicMessages<CK, CV> | ProducerRecord<CK, CV>): Promise<RecordMetadata[]> {
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
      this.checkSizes(topic, records);
    } catch (err) {
      return Promise.reject(err);
    }
    const send = new PendingSend(topic, records.timestamps);
    const partitionCount = this.cluster.partitionCount(topic);
    if (this.waitingLine === undefined && partitionCount !== undefined) {
      const blocked = this.appendFrom(
        send,
        topic,
        partitionCount,
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
          await this.appendFrom(send, topic, count, records, 0, deadline);
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

  /** Refuses the call when a record can never be sent: over maxRequestSize or bufferMemory. */
  private checkSizes(topic: string, records: SerializedRecords): void {
    const { maxRequestSize, bufferMemory } = this.options;
    for (let i = 0; i < records.keys.length; i++) {
      const size =
        BATCH_HEADER_SIZE +
        RECORD_OVERHEAD_BOUND +
        sizeOfRecordPayload(records.keys[i]!, records.values[i]!, records.headers[i]);
      if (size > maxRequestSize) {
        throw new RecordTooLargeError(topic, records.partitions[i], size, maxRequestSize, 'maxRequestSize');
      }
      if (size > bufferMemory)
        throw new RecordTooLargeError(topic, records.partitions[i], size, bufferMemory, 'bufferMemory');
    }
  }

  /**
   * Appends records `from`.. of a call. Returns undefined when all were appended (or the call was
   * refused before any was), or a promise that appends the rest after waiting (up to `deadline`)
   * for the buffer memory a new batch needs.
   */
  private appendFrom(
    send: PendingSend,
    topic: string,
    partitionCount: number,
    records: SerializedRecords,
    from: number,
    deadline: number,
  ): Promise<void> | undefined {
    const { keys, values, headers, timestamps, partitions } = records;
    if (from === 0 && !this.checkExplicitPartitions(send, topic, partitionCount, partitions))
      return undefined;
    const accumulator = this.accumulator;
    const sticky = this.partitioner.onNewBatch !== undefined;
    const nowMs = Date.now();
    for (let i = from; i < keys.length; i++) {
      const key = keys[i]!;
      const value = values[i]!;
      const explicit = partitions[i];
      let partition = explicit ?? this.place(topic, partitionCount, key, value);
      let result = accumulator.append(
        topic,
        partition,
        key,
        value,
        headers[i],
        timestamps[i]!,
        send,
        i,
        nowMs,
        sticky && explicit === undefined && key === null,
      );
      if (result === AppendResult.NEW_BATCH_NEEDED) {
        // The sticky partition's batch is full and onNewBatch moved it: place the record again.
        partition = this.place(topic, partitionCount, key, value);
        result = accumulator.append(
          topic,
          partition,
          key,
          value,
          headers[i],
          timestamps[i]!,
          send,
          i,
          nowMs,
          false,
        );
      }
      if (result === AppendResult.MEMORY_NEEDED) {
        return this.appendAfterMemory(send, topic, partitionCount, records, i, partition, deadline);
      }
    }
    return undefined;
  }

  /** Waits in line for the memory record `at` needs, appends it, and goes on with the rest. */
  private async appendAfterMemory(
    send: PendingSend,
    topic: string,
    partitionCount: number,
    records: SerializedRecords,
    at: number,
    partition: number,
    deadline: number,
  ): Promise<void> {
    const bytes = this.accumulator.neededBytes;
    this.sender.wake();
    await this.pool.reserve(
      bytes,
      Math.max(0, deadline - Date.now()),
      () =>
        new ProducerBlockedTimeoutError(
          topic,
          `no room for ${bytes} more bytes in bufferMemory (${this.options.bufferMemory} bytes, ${this.pool.reserved} held by batches not yet acknowledged)`,
          this.options.maxBlockMs,
        ),
    );
    const { keys, values, headers, timestamps } = records;
    this.accumulator.appendReserved(
      bytes,
      topic,
      partition,
      keys[at]!,
      values[at]!,
      headers[at],
      timestamps[at]!,
      send,
      at,
      Date.now(),
    );
    this.sender.wake();
    await this.appendFrom(send, topic, partitionCount, records, at + 1, deadline);
  }

  /** The partitioner's choice for a record without an explicit partition. */
  private place(
    topic: string,
    partitionCount: number,
    key: Buffer | null,
    value: Buffer | string | null,
  ): number {
    if (this.builtInPartitioner) {
      // The built-in partitioners keep nothing of their input and only ever answer a partition
      // in range, so one scratch input serves every record; they ignore the value.
      const input = this.placement;
      input.topic = topic;
      input.partitionCount = partitionCount;
      input.key = key;
      return this.partitioner.partition(input);
    }
    return choosePartition(this.partitioner, {
      topic,
      partitionCount,
      key,
      // Values stay strings until they are written; a custom partitioner gets them as bytes.
      value: typeof value === 'string' ? Buffer.from(value) : value,
    });
  }

  /** Fails `send` (appending nothing) when a record asks for a partition the topic does not have. */
  private checkExplicitPartitions(
    send: PendingSend,
    topic: string,
    partitionCount: number,
    partitions: readonly (number | undefined)[],
  ): boolean {
    for (let i = 0; i < partitions.length; i++) {
      const p = partitions[i];
      if (p !== undefined && (!Number.isInteger(p) || p < 0 || p >= partitionCount)) {
        send.fail(
          new RangeError(
            `topic '${topic}': messages[${i}].partition is ${p}, outside [0, ${partitionCount - 1}] (the topic has ${partitionCount} partitions)`,
          ),
        );
        return false;
      }
    }
    return true;
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
