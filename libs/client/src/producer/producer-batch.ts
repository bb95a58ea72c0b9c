import {
  type BatchSealFields,
  CompressionType,
  RecordBatchBuilder,
  type RecordBytes,
  type RecordHeaderInput,
} from '@runnel/protocol';
import type { PendingSend } from './pending-send.js';

/**
 * One batch of one partition, from its first record to its completion (Kafka's ProducerBatch).
 *
 * Life: open (records are appended into its RecordBatchBuilder) -> closed (full, or drained after
 * lingerMs; no more records) -> sealed when first sent (header and CRC written with its producer
 * id, epoch and base sequence, `bytes` fixed) -> in flight -> completed or failed, or back to its
 * partition's queue to be retried with the very same bytes. Re-sealing with another sequence
 * happens only when the batch has never been written by a broker (see RecordAccumulator).
 *
 * Who waits on its records: consecutive records from one send() form a segment (call, first index
 * in the call, count), so a send() of a thousand records into one batch costs one segment. The
 * first segment lives in fields of the batch and the others in arrays made for the second: most
 * batches hold one or two segments, and every array a batch carries lives as long as the batch is
 * in flight, long enough for the garbage collector to copy it.
 */
export class ProducerBatch {
  private readonly builder: RecordBatchBuilder;
  // The last segment (the one records are appended to) in fields; `earlier` holds the segments
  // before it, in order, as (send, first index, count) triples, made when a second segment starts.
  private lastSend: PendingSend | undefined;
  private lastFirst = 0;
  private lastCount = 0;
  private earlier: (PendingSend | number)[] | undefined;
  /** The sealed bytes, once sent; retries send these again. */
  bytes: Buffer | undefined;
  /** Sequence of the first record, -1 when not idempotent or not yet assigned. */
  baseSequence = -1;
  /** How many times the batch was sent. */
  attempts = 0;
  /** Not to be sent again before this time (ms), after a retriable failure. */
  retryAtMs = 0;
  /** The last error the batch met, reported if it expires. */
  lastError: Error | undefined;
  /** True once a broker may have written it: sent and not definitely refused. */
  maybeWritten = false;
  private closedFlag = false;
  private doneFlag = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Its buffer's size, or the buffer itself (recycled from a completed batch). */
    capacity: number | Buffer,
    compression: CompressionType,
    /** Bytes reserved in the BufferPool for this batch, given back when it completes. */
    readonly reservedBytes: number,
    /** When the first record arrived (ms): lingerMs and deliveryTimeoutMs count from here. */
    readonly createdMs: number,
    /**
     * Position among its partition's batches, in append order: retries and split parts go back
     * into the queue by it, so records are never sent out of the order they were appended.
     */
    readonly order: number,
  ) {
    this.builder = new RecordBatchBuilder(capacity, compression);
  }

  /** The buffer the records are written into, for the BufferPool to reuse once the batch completes. */
  get buffer(): Buffer {
    return this.builder.buffer;
  }

  get recordCount(): number {
    return this.builder.recordCount;
  }

  /** Uncompressed size so far, header included. */
  get sizeInBytes(): number {
    return this.bytes?.length ?? this.builder.sizeInBytes;
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  get isDone(): boolean {
    return this.doneFlag;
  }

  close(): void {
    this.closedFlag = true;
  }

  /**
   * Appends record `index` of `send`, whose timestamp is `baseMs + timestampOffset`; false
   * (nothing appended) when the batch is closed or the record does not fit.
   *
   * Why a timestamp travels as two numbers: a timestamp is no small integer to the engine, so
   * every call that passes one computed from a field boxes it into a new heap number, 16 bytes per
   * record; `baseMs` (the caller's clock reading, the same for a whole send()) passes through as
   * it came and the int32 offset as a small integer, and the builder gets the offset from the
   * batch's first timestamp the same way.
   */
  tryAppend(
    key: RecordBytes,
    value: RecordBytes,
    headers: readonly RecordHeaderInput[] | undefined,
    baseMs: number,
    timestampOffset: number,
    send: PendingSend,
    index: number,
  ): boolean {
    if (this.closedFlag) return false;
    const builder = this.builder;
    const delta = builder.recordCount === 0 ? Number.NaN : baseMs + timestampOffset - builder.baseTimestamp;
    const appended =
      (delta | 0) === delta
        ? builder.appendWithTimestampDelta(key, value, headers, delta | 0)
        : builder.append(key, value, headers, baseMs + timestampOffset);
    if (!appended) return false;
    if (this.lastSend === send && this.lastFirst + this.lastCount === index) {
      this.lastCount++;
      return true;
    }
    if (this.lastSend !== undefined) {
      this.earlier ??= [];
      this.earlier.push(this.lastSend, this.lastFirst, this.lastCount);
    }
    this.lastSend = send;
    this.lastFirst = index;
    this.lastCount = 1;
    return true;
  }

  /** Calls `visit` on every segment, in append order. */
  private forEachSegment(visit: (send: PendingSend, first: number, count: number) => void): void {
    const earlier = this.earlier;
    if (earlier !== undefined) {
      for (let i = 0; i < earlier.length; i += 3) {
        visit(earlier[i] as PendingSend, earlier[i + 1] as number, earlier[i + 2] as number);
      }
    }
    if (this.lastSend !== undefined) visit(this.lastSend, this.lastFirst, this.lastCount);
  }

  /** Writes the header with these producer fields; synchronous except for zstd. */
  seal(fields: BatchSealFields): Buffer | Promise<Buffer> {
    this.baseSequence = fields.baseSequence ?? -1;
    return this.builder.compression === CompressionType.Zstd
      ? this.builder.buildAsync(fields)
      : this.builder.build(fields);
  }

  /** Every record was written from `baseOffset` (-1n with acks 0); `logAppendTime` is -1 for CreateTime. */
  complete(baseOffset: bigint, logAppendTime: number): void {
    if (this.doneFlag) return;
    this.doneFlag = true;
    const earlier = this.earlier;
    let offset = baseOffset;
    if (earlier !== undefined) {
      for (let i = 0; i < earlier.length; i += 3) {
        const count = earlier[i + 2] as number;
        (earlier[i] as PendingSend).complete(
          earlier[i + 1] as number,
          count,
          this.partition,
          offset,
          logAppendTime,
        );
        if (baseOffset >= 0n) offset += BigInt(count);
      }
    }
    this.lastSend?.complete(this.lastFirst, this.lastCount, this.partition, offset, logAppendTime);
  }

  /**
   * The batch cut into one batch per record, for a broker that refused it as too large
   * (MESSAGE_TOO_LARGE): `records` are its own records, decoded from its bytes. Each new batch
   * completes the send() record its record came from; the first carries this batch's memory
   * reservation (the others reserve nothing, so a split never waits for memory). This batch is
   * done and completes nobody.
   */
  splitPerRecord(
    records: readonly {
      key: Buffer | null;
      value: Buffer | null;
      headers: readonly RecordHeaderInput[];
      timestamp: bigint;
    }[],
    compression: CompressionType,
  ): ProducerBatch[] {
    this.doneFlag = true;
    const parts: ProducerBatch[] = [];
    let r = 0;
    this.forEachSegment((send, first, count) => {
      for (let i = 0; i < count; i++, r++) {
        const record = records[r]!;
        const size = (record.key?.length ?? 0) + (record.value?.length ?? 0) + 128;
        const part = new ProducerBatch(
          this.topic,
          this.partition,
          size,
          compression,
          r === 0 ? this.reservedBytes : 0,
          this.createdMs,
          this.order + r / records.length,
        );
        const headers = record.headers.length === 0 ? undefined : record.headers;
        part.tryAppend(record.key, record.value, headers, Number(record.timestamp), 0, send, first + i);
        part.close();
        part.attempts = this.attempts;
        parts.push(part);
      }
    });
    return parts;
  }

  /** The batch will not be written: every send() with records in it fails with `error`. */
  fail(error: Error): void {
    if (this.doneFlag) return;
    this.doneFlag = true;
    this.forEachSegment((send) => send.fail(error));
  }
}
