import type { Reader } from '../../bytes/reader.js';
import type { Writer } from '../../bytes/writer.js';
import { ProtocolError } from '../../errors/protocol-error.js';
import type { Decode, Encode, HandWritten } from '../codec.js';

/**
 * Produce's request decoder and response encoder for v3-8 (record batches, not flexible), written
 * out by hand: the broker decodes one request and encodes one response per produced batch of a
 * client that sends 16 KiB batches (about 65 per MB), and the compiled codec's closures, shared by
 * every message, make each field a megamorphic call and property access. These read and write
 * exactly what the compiled codec does for those versions, through the same Reader and Writer
 * calls in the same order, so the bytes, the decoded values (same fields, same order) and the
 * errors (same ProtocolError, same field path) are the same; produce-codec.spec.ts checks that
 * against the compiled codec. Other versions, and the other direction (the client's), stay compiled.
 */

const FIRST_VERSION = 3;
const LAST_VERSION = 8;
/** Versions that add a field to a partition's response. */
const LOG_START_OFFSET_VERSION = 5;
const RECORD_ERRORS_VERSION = 8;

const TOPIC_DATA = 'ProduceRequest.topicData';
const TOPIC_NAME = `${TOPIC_DATA}[].name`;
const PARTITION_DATA = `${TOPIC_DATA}[].partitionData`;
const PARTITION_INDEX = `${PARTITION_DATA}[].index`;
const PARTITION_RECORDS = `${PARTITION_DATA}[].records`;
/**
 * The fewest bytes of a topicData element (name's int16 length, partitionData's int32 count) and
 * of a partitionData element (index, records' int32 length): the codec's minSize, which bounds an
 * array's count before anything is allocated for it.
 */
const MIN_TOPIC_BYTES = 6;
const MIN_PARTITION_BYTES = 8;

const RESPONSES = 'ProduceResponse.responses';
const RESPONSE_NAME = `${RESPONSES}[].name`;
const PARTITION_RESPONSES = `${RESPONSES}[].partitionResponses`;
const RECORD_ERRORS = `${PARTITION_RESPONSES}[].recordErrors`;

/** Produce requests decoded by hand at v3-8. */
export const produceRequestCodecs: HandWritten = (version) =>
  version >= FIRST_VERSION && version <= LAST_VERSION ? { decode: decodeRequest } : undefined;

/** Produce responses encoded by hand at v3-8, one encoder per version. */
export const produceResponseCodecs: HandWritten = (version) =>
  version >= FIRST_VERSION && version <= LAST_VERSION ? { encode: responseEncoder(version) } : undefined;

const decodeRequest: Decode = (r: Reader) => {
  const transactionalId = r.nullableString('ProduceRequest.transactionalId');
  const acks = r.int16('ProduceRequest.acks');
  const timeoutMs = r.int32('ProduceRequest.timeoutMs');
  const topicCount = r.arrayLength(TOPIC_DATA, MIN_TOPIC_BYTES) ?? notNull(TOPIC_DATA);
  const topicData = new Array<unknown>(topicCount);
  for (let t = 0; t < topicCount; t++) {
    const name = r.string(TOPIC_NAME);
    const partitionCount = r.arrayLength(PARTITION_DATA, MIN_PARTITION_BYTES) ?? notNull(PARTITION_DATA);
    const partitionData = new Array<unknown>(partitionCount);
    for (let p = 0; p < partitionCount; p++) {
      const index = r.int32(PARTITION_INDEX);
      partitionData[p] = { index, records: r.nullableBytes(PARTITION_RECORDS) };
    }
    topicData[t] = { name, partitionData };
  }
  return { transactionalId, acks, timeoutMs, topicData };
};

type Fields = Record<string, unknown>;

/**
 * The compiled codec's rules, field by field: an omitted (undefined) field takes its default, a
 * missing struct is all defaults, null is refused where the field is not nullable, int64 fields
 * go through BigInt() (so a number is accepted), arrays are walked with for...of.
 */
function responseEncoder(version: number): Encode {
  const withLogStartOffset = version >= LOG_START_OFFSET_VERSION;
  const withRecordErrors = version >= RECORD_ERRORS_VERSION;
  const encodePartition = (w: Writer, value: unknown) => {
    const p = (value ?? {}) as Fields;
    w.int32(orDefault(p.index, 0) as number);
    w.int16(orDefault(p.errorCode, 0) as number);
    w.int64(BigInt(orDefault(p.baseOffset, 0n) as bigint));
    w.int64(BigInt(orDefault(p.logAppendTimeMs, -1n) as bigint));
    if (withLogStartOffset) w.int64(BigInt(orDefault(p.logStartOffset, -1n) as bigint));
    if (withRecordErrors) {
      const errors = arrayOf(p.recordErrors, RECORD_ERRORS);
      w.arrayLength(errors.length);
      for (const element of errors) {
        const e = (element ?? {}) as Fields;
        w.int32(orDefault(e.batchIndex, 0) as number);
        w.string(orDefault(e.batchIndexErrorMessage, null) as string | null);
      }
      w.string(orDefault(p.errorMessage, null) as string | null);
    }
  };
  return (w, value) => {
    const body = (value ?? {}) as Fields;
    const responses = arrayOf(body.responses, RESPONSES);
    w.arrayLength(responses.length);
    for (const element of responses) {
      const topic = (element ?? {}) as Fields;
      const name = orDefault(topic.name, '') as string | null;
      w.string(name ?? notNull(RESPONSE_NAME));
      const partitions = arrayOf(topic.partitionResponses, PARTITION_RESPONSES);
      w.arrayLength(partitions.length);
      for (const partition of partitions) encodePartition(w, partition);
    }
    w.int32(orDefault(body.throttleTimeMs, 0) as number);
  };
}

function orDefault(value: unknown, fallback: unknown): unknown {
  return value === undefined ? fallback : value;
}

/** A non-nullable array field: its elements (an omitted one is empty), null refused. */
function arrayOf(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) return [];
  return (value as readonly unknown[] | null) ?? notNull(path);
}

function notNull(path: string): never {
  throw new ProtocolError('is null but the field is not nullable in this version', path);
}
