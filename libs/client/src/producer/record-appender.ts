import {
  BATCH_HEADER_SIZE,
  choosePartition,
  type Partitioner,
  RECORD_OVERHEAD_BOUND,
  RoundRobinPartitioner,
  StickyPartitioner,
  sizeOfRecordPayload,
} from '@runnel/protocol';
import type { BufferPool } from './buffer-pool.js';
import type { PendingSend } from './pending-send.js';
import { ProducerBlockedTimeoutError, RecordTooLargeError } from './producer-errors.js';
import type { ResolvedProducerOptions } from './producer-options.js';
import { AppendResult, type PartitionQueue, type RecordAccumulator } from './record-accumulator.js';
import {
  headersAt,
  keyAt,
  partitionAt,
  type SerializedRecords,
  timestampAt,
} from './record-serialization.js';

/**
 * Places the serialized records of one send() call on partitions and appends them to the
 * RecordAccumulator, in input order: the synchronous hot path of `send()`, one loop over the
 * records with no promise or closure per record. It waits (asynchronously, once) only when a new
 * batch needs buffer memory that is not free, and then goes on where it stopped.
 */
export class RecordAppender {
  private readonly builtInPartitioner: boolean;
  private readonly placement: {
    topic: string;
    partitionCount: number;
    availablePartitions: readonly number[] | undefined;
    key: Buffer | null;
    value: null;
  } = { topic: '', partitionCount: 1, availablePartitions: undefined, key: null, value: null };

  constructor(
    private readonly options: ResolvedProducerOptions,
    private readonly accumulator: RecordAccumulator,
    private readonly pool: BufferPool,
    private readonly partitioner: Partitioner,
    /** Asks the Sender to look at the batches again. */
    private readonly wake: () => void,
    /**
     * The partitions of a topic that have a leader now, or undefined when all have (keyless
     * records go only to these, as in Kafka).
     */
    private readonly availablePartitions: (topic: string) => readonly number[] | undefined,
  ) {
    this.builtInPartitioner =
      partitioner instanceof StickyPartitioner || partitioner instanceof RoundRobinPartitioner;
  }

  /** Refuses the call when a record can never be sent: over maxRequestSize or bufferMemory. */
  checkSizes(topic: string, records: SerializedRecords): void {
    const { maxRequestSize, bufferMemory } = this.options;
    for (let i = 0; i < records.count; i++) {
      const size =
        BATCH_HEADER_SIZE +
        RECORD_OVERHEAD_BOUND +
        sizeOfRecordPayload(keyAt(records, i), records.values[i]!, headersAt(records, i));
      if (size > maxRequestSize) {
        throw new RecordTooLargeError(topic, partitionAt(records, i), size, maxRequestSize, 'maxRequestSize');
      }
      if (size > bufferMemory)
        throw new RecordTooLargeError(topic, partitionAt(records, i), size, bufferMemory, 'bufferMemory');
    }
  }

  /**
   * Appends records `from`.. of a call to `partitions` (the topic's queues, from
   * RecordAccumulator.partitionsOf: at least `partitionCount`). Returns undefined when all were appended (or the call was
   * refused before any was), or a promise that appends the rest after waiting (up to `deadline`)
   * for the buffer memory a new batch needs.
   */
  appendFrom(
    send: PendingSend,
    topic: string,
    partitionCount: number,
    partitions: readonly PartitionQueue[],
    records: SerializedRecords,
    from: number,
    deadline: number,
  ): Promise<void> | undefined {
    const values = records.values;
    if (from === 0 && !this.checkExplicitPartitions(send, topic, partitionCount, records.partitions))
      return undefined;
    const accumulator = this.accumulator;
    const sticky = this.partitioner.onNewBatch !== undefined;
    const available = this.availablePartitions(topic);
    const nowMs = Date.now();
    for (let i = from; i < records.count; i++) {
      const key = keyAt(records, i);
      const value = values[i]!;
      const headers = headersAt(records, i);
      // Passed on as an offset from nowMs, an int32 unless the record names a time weeks away
      // (see ProducerBatch.tryAppend).
      const timestampOffset = timestampAt(records, i) - nowMs;
      const explicit = partitionAt(records, i);
      let partition = explicit ?? this.place(topic, partitionCount, available, key, value);
      let result = accumulator.appendTo(
        partitions[partition]!,
        key,
        value,
        headers,
        (timestampOffset | 0) === timestampOffset ? timestampOffset | 0 : timestampOffset,
        send,
        i,
        nowMs,
        sticky && explicit === undefined && key === null,
      );
      if (result === AppendResult.NEW_BATCH_NEEDED) {
        // The sticky partition's batch is full and onNewBatch moved it: place the record again.
        partition = this.place(topic, partitionCount, available, key, value);
        result = accumulator.appendTo(
          partitions[partition]!,
          key,
          value,
          headers,
          timestampOffset,
          send,
          i,
          nowMs,
          false,
        );
      }
      if (result === AppendResult.MEMORY_NEEDED) {
        return this.appendAfterMemory(
          send,
          topic,
          partitionCount,
          partitions,
          records,
          i,
          partition,
          deadline,
        );
      }
    }
    return undefined;
  }

  /** Waits in line for the memory record `at` needs, appends it, and goes on with the rest. */
  private async appendAfterMemory(
    send: PendingSend,
    topic: string,
    partitionCount: number,
    partitions: readonly PartitionQueue[],
    records: SerializedRecords,
    at: number,
    partition: number,
    deadline: number,
  ): Promise<void> {
    const bytes = this.accumulator.neededBytes;
    this.wake();
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
    const nowMs = Date.now();
    this.accumulator.appendReserved(
      bytes,
      topic,
      partition,
      keyAt(records, at),
      records.values[at]!,
      headersAt(records, at),
      timestampAt(records, at) - nowMs,
      send,
      at,
      nowMs,
    );
    this.wake();
    await this.appendFrom(send, topic, partitionCount, partitions, records, at + 1, deadline);
  }

  /** The partitioner's choice for a record without an explicit partition. */
  private place(
    topic: string,
    partitionCount: number,
    availablePartitions: readonly number[] | undefined,
    key: Buffer | null,
    value: Buffer | string | null,
  ): number {
    if (this.builtInPartitioner) {
      // The built-in partitioners keep nothing of their input and only ever answer a partition
      // in range, so one scratch input serves every record; they ignore the value.
      const input = this.placement;
      input.topic = topic;
      input.partitionCount = partitionCount;
      input.availablePartitions = availablePartitions;
      input.key = key;
      return this.partitioner.partition(input);
    }
    return choosePartition(this.partitioner, {
      topic,
      partitionCount,
      availablePartitions,
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
    partitions: readonly (number | undefined)[] | null,
  ): boolean {
    if (partitions === null) return true;
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
