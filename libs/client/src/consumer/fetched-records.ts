import {
  BatchAttributes,
  type DeserializationContext,
  type Deserializer,
  decodeRecordBatch,
  decodeRecordsWith,
  decodeUncompressedRecordsWith,
  isCompressed,
  type KafkaRecord,
  type RawRecordBatch,
  RecordBatchIterator,
  type RecordFactory,
  type RecordHeader,
  SerializationError,
} from '@runnel/protocol';
import type { ConsumerMessage, ConsumerMessageHeaders, MessageDeserializers } from './consumer-message.js';

/** A transaction a READ_COMMITTED fetch reports as aborted: its batches from `firstOffset` on are skipped. */
export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

/** What a partition's fetched bytes hold, found from the batch headers alone. */
export interface ScannedRecords {
  /** The batches to hand over, in order: whole, CRC-checked, neither control nor aborted. */
  batches: RawRecordBatch[];
  /** Where the next fetch starts: one past the last whole batch, or the fetch offset when there was none. */
  nextOffset: bigint;
  /** The bytes held only part of a batch: it is larger than the fetch allowed (brokers before KIP-74). */
  onlyPartialBatch: boolean;
}

/** The control record type of a transaction marker (key: int16 version, int16 type). */
const ABORT_MARKER = 0;

/**
 * The headers of every record that has none: one frozen object rather than an allocation per
 * record, which small records feel. Handlers must treat headers as read-only.
 */
const NO_HEADERS: ConsumerMessageHeaders = Object.freeze(Object.create(null));

/**
 * Walks the record batches of one partition of a Fetch response, as Kafka's CompletedFetch, without
 * decoding their records (that happens in {@link decodeBatches}, when a handler takes them, so the
 * next Fetch can be in flight meanwhile):
 * - whole batches only: a trailing partial batch (cut at the fetch's byte limit) is left for the
 *   next fetch, which starts at `nextOffset`;
 * - batches ending below `fetchOffset` are skipped;
 * - control batches (transaction markers) are never handed over, but their offsets are passed;
 * - batches of transactions listed as aborted (READ_COMMITTED) are skipped up to their abort marker.
 * A batch whose CRC is wrong throws the iterator's ProtocolError; nothing is guessed past it.
 */
export async function scanFetchedRecords(
  records: Buffer,
  fetchOffset: bigint,
  aborted: readonly AbortedTransaction[] | null,
): Promise<ScannedRecords> {
  const batches: RawRecordBatch[] = [];
  let nextOffset = fetchOffset;
  const pendingAborts = aborted && aborted.length > 0 ? [...aborted].sort(byFirstOffset) : [];
  const abortedProducers = new Set<bigint>();
  let sawBatch = false;
  for (const raw of new RecordBatchIterator(records)) {
    sawBatch = true;
    const { header } = raw;
    const lastOffset = header.baseOffset + BigInt(header.lastOffsetDelta);
    if (lastOffset < fetchOffset) continue;
    nextOffset = lastOffset + 1n;
    while (pendingAborts.length > 0 && pendingAborts[0]!.firstOffset <= lastOffset) {
      abortedProducers.add(pendingAborts.shift()!.producerId);
    }
    const transactional = (header.attributes & BatchAttributes.TRANSACTIONAL) !== 0;
    if ((header.attributes & BatchAttributes.CONTROL) !== 0) {
      if (transactional && abortedProducers.has(header.producerId)) {
        const batch = await decodeRecordBatch(raw.bytes, 0, { verifyCrc: false });
        if (batch.records.some(isAbortMarker)) abortedProducers.delete(header.producerId);
      }
      continue;
    }
    if (transactional && abortedProducers.has(header.producerId)) continue;
    batches.push(raw);
  }
  return { batches, nextOffset, onlyPartialBatch: !sawBatch && records.length > 0 };
}

/**
 * Decodes scanned batches (CRCs already checked) into messages, leaving out records below
 * `fromOffset` (a fetch returns the whole batch holding the fetch offset, and a compressed batch
 * is always whole). Runs the deserializers; one that throws fails with a SerializationError
 * naming the record. When no batch is compressed the messages come back synchronously (and
 * failures are thrown), so a caller can hand them to a handler in the same turn: one
 * partition's chunk is decoded and handled before the next one is decoded, and fewer messages
 * are alive at once (what each young-generation collection has to copy). Compressed batches
 * are inflated asynchronously and give a promise.
 */
export function decodeBatches<K = Buffer | null, V = Buffer | null>(
  batches: readonly RawRecordBatch[],
  fromOffset: bigint,
  topic: string,
  partition: number,
  deserializers: MessageDeserializers<K, V>,
): ConsumerMessage<K, V>[] | Promise<ConsumerMessage<K, V>[]> {
  const factory = new MessageFactory(topic, partition, fromOffset, deserializers);
  if (batches.some((raw) => isCompressed(raw.header))) return decodeCompressed(batches, fromOffset, factory);
  const messages: ConsumerMessage<K, V>[] = [];
  for (const raw of batches) {
    const before = messages.length;
    decodeUncompressedRecordsWith(raw.bytes, 0, raw.header, factory, messages);
    dropBelow(messages, before, raw, fromOffset);
  }
  return messages;
}

async function decodeCompressed<K, V>(
  batches: readonly RawRecordBatch[],
  fromOffset: bigint,
  factory: MessageFactory<K, V>,
): Promise<ConsumerMessage<K, V>[]> {
  const messages: ConsumerMessage<K, V>[] = [];
  for (const raw of batches) {
    const before = messages.length;
    await decodeRecordsWith(raw.bytes, 0, raw.header, factory, messages);
    dropBelow(messages, before, raw, fromOffset);
  }
  return messages;
}

/** Removes the messages of `raw` (from index `before` on) below `fromOffset`. */
function dropBelow<K, V>(
  messages: ConsumerMessage<K, V>[],
  before: number,
  raw: RawRecordBatch,
  fromOffset: bigint,
): void {
  // Only the batch holding the fetch offset starts below it; later ones need no comparison.
  if (raw.header.baseOffset >= fromOffset) return;
  let below = before;
  while (below < messages.length && messages[below]!.offset < fromOffset) below++;
  messages.splice(before, below - before);
}

/**
 * Makes each decoded record a message directly, in one pass over the batch: the timestamp a
 * number, headers a prototype-less object (the shared NO_HEADERS when there are none), key and
 * value deserialized when deserializers are configured. Every message has the same shape, so
 * handlers' property reads stay monomorphic. Records below `fromOffset` are about to be dropped
 * and are not deserialized.
 */
class MessageFactory<K, V> implements RecordFactory<ConsumerMessage<K, V>> {
  private readonly keyDeserializer: Deserializer<K> | undefined;
  private readonly valueDeserializer: Deserializer<V> | undefined;

  constructor(
    private readonly topic: string,
    private readonly partition: number,
    private readonly fromOffset: bigint,
    deserializers: MessageDeserializers<K, V>,
  ) {
    this.keyDeserializer = deserializers.keyDeserializer;
    this.valueDeserializer = deserializers.valueDeserializer;
  }

  record(
    key: Buffer | null,
    value: Buffer | null,
    headers: RecordHeader[],
    timestamp: number | bigint,
    offset: bigint,
  ): ConsumerMessage<K, V> {
    const message: ConsumerMessage<K, V> = {
      key: key as K | null,
      value: value as V | null,
      headers: headers.length === 0 ? NO_HEADERS : toHeaders(headers),
      timestamp: typeof timestamp === 'number' ? timestamp : Number(timestamp),
      offset,
    };
    const { keyDeserializer, valueDeserializer } = this;
    if ((keyDeserializer || valueDeserializer) && offset >= this.fromOffset) {
      const context: DeserializationContext = {
        topic: this.topic,
        partition: this.partition,
        offset,
        headers,
      };
      if (keyDeserializer) message.key = deserialize(keyDeserializer, key, context, 'key');
      if (valueDeserializer) message.value = deserialize(valueDeserializer, value, context, 'value');
    }
    return message;
  }
}

function byFirstOffset(a: AbortedTransaction, b: AbortedTransaction): number {
  return a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0;
}

function isAbortMarker(record: KafkaRecord): boolean {
  return record.key !== null && record.key.length >= 4 && record.key.readInt16BE(2) === ABORT_MARKER;
}

function toHeaders(list: readonly RecordHeader[]): ConsumerMessageHeaders {
  const headers: ConsumerMessageHeaders = Object.create(null);
  for (const { key, value } of list) {
    const existing = headers[key];
    if (existing === undefined) headers[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[key] = [existing, value];
  }
  return headers;
}

/** Runs a deserializer; what it throws becomes a SerializationError naming the record. */
function deserialize<T>(
  deserializer: Deserializer<T>,
  bytes: Buffer | null,
  context: DeserializationContext,
  which: 'key' | 'value',
): T | null {
  try {
    return deserializer.deserialize(bytes, context);
  } catch (err) {
    if (err instanceof SerializationError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new SerializationError(`cannot deserialize the ${which}: ${reason}`, {
      location: context,
      cause: err,
    });
  }
}
