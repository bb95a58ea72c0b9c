import { ProtocolError } from '../errors/protocol-error.js';
import type { RecordHeader } from '../serializers/serializer.js';
import type { KafkaRecord } from './record.js';

/**
 * The fewest bytes a record takes: one each for length, attributes, timestampDelta, offsetDelta,
 * key length, value length and header count.
 */
const MIN_RECORD_SIZE = 7;

/**
 * The headers of every decoded record that has none: one frozen array shared by all of them
 * rather than an allocation per record, which small records feel. Decoded headers are read-only.
 */
export const NO_RECORD_HEADERS: RecordHeader[] = Object.freeze([]) as unknown as RecordHeader[];

/** What each record's offset and timestamp are computed from. */
export interface RecordsBase {
  baseOffset: bigint;
  baseTimestamp: bigint;
  /** For LogAppendTime batches the maxTimestamp, which every record takes; else null. */
  logAppendTime: bigint | null;
}

/**
 * Makes the value a decode yields for one record, from its fields; called once per record, in
 * offset order. `key`, `value` and header values are views into the records section.
 * `timestamp` is in milliseconds: a number whenever it is a safe integer (every timestamp a
 * client writes), else the exact bigint. An object with a method rather than a function, so a
 * decode that needs context (topic, partition, deserializers) keeps it in fields instead of a
 * closure per call.
 */
export interface RecordFactory<T> {
  record(
    key: Buffer | null,
    value: Buffer | null,
    headers: RecordHeader[],
    timestamp: number | bigint,
    offset: bigint,
  ): T;
}

/** Makes the protocol's own KafkaRecord (timestamp always a bigint). */
export const KAFKA_RECORDS: RecordFactory<KafkaRecord> = {
  record: (key, value, headers, timestamp, offset) => ({
    key,
    value,
    headers,
    timestamp: typeof timestamp === 'bigint' ? timestamp : BigInt(timestamp),
    offset,
  }),
};

/**
 * A cursor over one records section. Every read is bounds-checked against `limit`, the end of the
 * current record (or of the section while a record's length is read); problems throw a
 * ProtocolError naming the record.
 */
class RecordsCursor {
  pos = 0;
  limit: number;
  /** Index of the record being read, for error messages. */
  index = 0;

  /** The fields {@link shortRecord} read. */
  key: Buffer | null = null;
  value: Buffer | null = null;
  recordHeaders: RecordHeader[] = NO_RECORD_HEADERS;
  timestampDelta = 0;
  offsetDelta = 0;

  constructor(readonly buf: Buffer) {
    this.limit = buf.length;
  }

  /**
   * The fast path: reads record `index` at `pos` as clients write records, every varint of one
   * to three bytes (a record under 1 MiB, within 2^20 of its batch's base offset and timestamp),
   * with local positions and no per-field calls; sets the fields above and returns where the
   * record ends. Anything else, and every malformed record, returns -1 without a word (a read
   * past the buffer gives undefined, which no comparison here accepts): the caller reads the
   * record again with the checked methods below, which name what is wrong.
   */
  shortRecord(pos: number, index: number): number {
    const { buf } = this;
    const lengthVarint = shortVarint(buf, pos);
    if (lengthVarint < 0) return -1;
    const length = unzigzag(lengthVarint >>> 2);
    const recordStart = pos + (lengthVarint & 3);
    const recordEnd = recordStart + length;
    if (length <= 0 || recordEnd > buf.length) return -1;
    let p = recordStart + 1; // attributes: unused by every record format so far
    const timestampVarint = shortVarint(buf, p);
    if (timestampVarint < 0) return -1;
    p += timestampVarint & 3;
    const offsetVarint = shortVarint(buf, p);
    if (offsetVarint < 0) return -1;
    p += offsetVarint & 3;
    const keyVarint = shortVarint(buf, p);
    if (keyVarint < 0) return -1;
    p += keyVarint & 3;
    const keyLength = unzigzag(keyVarint >>> 2);
    let key: Buffer | null = null;
    if (keyLength >= 0) {
      if (keyLength > recordEnd - p) return -1;
      key = buf.subarray(p, p + keyLength);
      p += keyLength;
    } else if (keyLength !== -1) return -1;
    const valueVarint = shortVarint(buf, p);
    if (valueVarint < 0) return -1;
    p += valueVarint & 3;
    const valueLength = unzigzag(valueVarint >>> 2);
    let value: Buffer | null = null;
    if (valueLength >= 0) {
      if (valueLength > recordEnd - p) return -1;
      value = buf.subarray(p, p + valueLength);
      p += valueLength;
    } else if (valueLength !== -1) return -1;
    if (buf[p] === 0) {
      this.recordHeaders = NO_RECORD_HEADERS;
      p++;
    } else {
      if (p >= recordEnd) return -1;
      this.index = index;
      this.pos = p;
      this.limit = recordEnd;
      this.recordHeaders = this.headers();
      p = this.pos;
    }
    if (p !== recordEnd) return -1;
    this.key = key;
    this.value = value;
    this.timestampDelta = unzigzag(timestampVarint >>> 2);
    this.offsetDelta = unzigzag(offsetVarint >>> 2);
    return recordEnd;
  }

  fail(what: string): ProtocolError {
    return new ProtocolError(what, `records[${this.index}]`);
  }

  /** Unsigned LEB128 of at most 5 bytes, as a uint32. */
  private uvarint(what: string): number {
    const { buf, limit } = this;
    let pos = this.pos;
    let result = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= limit) throw this.fail(`${what} runs past the end of the record at offset ${pos}`);
      const b = buf[pos++]!;
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result;
      }
    }
    if (pos >= limit) throw this.fail(`${what} runs past the end of the record at offset ${pos}`);
    const last = buf[pos++]!;
    if (last > 0x0f) throw this.fail(`${what} at offset ${this.pos} does not fit in 32 bits`);
    this.pos = pos;
    return result + last * 2 ** 28;
  }

  /** Zigzag varint; one- and two-byte forms (values within ±8191) take the short path. */
  varint(what: string): number {
    const { buf, pos } = this;
    if (pos + 1 < this.limit) {
      const b0 = buf[pos]!;
      if (b0 < 0x80) {
        this.pos = pos + 1;
        return (b0 >>> 1) ^ -(b0 & 1);
      }
      const b1 = buf[pos + 1]!;
      if (b1 < 0x80) {
        const u = (b0 & 0x7f) | (b1 << 7);
        this.pos = pos + 2;
        return (u >>> 1) ^ -(u & 1);
      }
    }
    const u = this.uvarint(what);
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zigzag varlong of at most 10 bytes; a number when it is below 2^48 in magnitude. */
  varlong(what: string): number | bigint {
    const { buf, limit } = this;
    const start = this.pos;
    let pos = start;
    for (let i = 0; i < 10; i++) {
      if (pos >= limit) throw this.fail(`${what} runs past the end of the record at offset ${pos}`);
      if (buf[pos++]! < 0x80) break;
      if (i === 9) throw this.fail(`${what} at offset ${start} is longer than 10 bytes`);
    }
    this.pos = pos;
    if (pos - start <= 7) {
      let u = 0;
      for (let p = pos - 1; p >= start; p--) u = u * 128 + (buf[p]! & 0x7f);
      return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    }
    let u = 0n;
    for (let p = pos - 1; p >= start; p--) u = (u << 7n) | BigInt(buf[p]! & 0x7f);
    u = BigInt.asUintN(64, u);
    return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n));
  }

  /** varint length + bytes, -1 for null, as a view. */
  bytes(what: string): Buffer | null {
    const length = this.varint(what);
    if (length === -1) return null;
    if (length < 0) throw this.fail(`${what} length ${length} is negative`);
    const start = this.pos;
    if (length > this.limit - start) {
      throw this.fail(
        `${what} of ${length} bytes runs past the end of the record (${this.limit - start} left)`,
      );
    }
    this.pos = start + length;
    return this.buf.subarray(start, start + length);
  }

  headers(): RecordHeader[] {
    const count = this.varint('header count');
    if (count === 0) return NO_RECORD_HEADERS;
    if (count < 0 || count * 2 > this.limit - this.pos) {
      throw this.fail(`header count ${count} does not fit in the ${this.limit - this.pos} bytes left`);
    }
    const headers: RecordHeader[] = [];
    for (let h = 0; h < count; h++) {
      const key = this.bytes('header key');
      if (key === null) throw this.fail(`header ${h} has a null key`);
      headers.push({ key: key.toString('utf8'), value: this.bytes('header value') });
    }
    return headers;
  }
}

/**
 * Decodes exactly `count` records filling `section` (layout in records-writer.ts). Throws a
 * ProtocolError when a record's fields do not fill exactly its length, or when the section holds
 * fewer or more bytes than the records. A record without headers has {@link NO_RECORD_HEADERS}.
 */
export function readRecords(section: Buffer, count: number, base: RecordsBase): KafkaRecord[] {
  return readRecordsWith(section, count, base, KAFKA_RECORDS, []);
}

/**
 * The unsigned varint at `pos` when it takes one to three bytes, as `raw * 4 + its byte count`
 * (below 2^23, a small integer), else -1; also -1 when the bytes run past `buf` (reads there give
 * undefined, which compares false).
 */
function shortVarint(buf: Buffer, pos: number): number {
  const b0 = buf[pos]!;
  if (b0 < 0x80) return (b0 << 2) | 1;
  const b1 = buf[pos + 1]!;
  if (b1 < 0x80) return (((b0 & 0x7f) | (b1 << 7)) << 2) | 2;
  const b2 = buf[pos + 2]!;
  if (b2 < 0x80) return (((b0 & 0x7f) | ((b1 & 0x7f) << 7) | (b2 << 14)) << 2) | 3;
  return -1;
}

/** The signed value of a zigzag-encoded unsigned varint below 2^31. */
function unzigzag(u: number): number {
  return (u >>> 1) ^ -(u & 1);
}

/** `value` as a number when it is a safe integer, else null. */
function safeNumber(value: bigint): number | null {
  return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : null;
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Decodes as {@link readRecords}, in one pass, appending `factory.record(...)` of each record to
 * `out` (which it returns). Offsets and timestamps are computed in numbers when the batch's base
 * values are safe integers, so a record costs one bigint (its offset) rather than four.
 */
export function readRecordsWith<T>(
  section: Buffer,
  count: number,
  base: RecordsBase,
  factory: RecordFactory<T>,
  out: T[],
): T[] {
  const end = section.length;
  if (count < 0 || count * MIN_RECORD_SIZE > end) {
    throw new ProtocolError(
      `recordCount ${count} does not fit in the ${end} bytes of the records section`,
      'RecordBatch.recordCount',
    );
  }
  const { baseOffset, baseTimestamp, logAppendTime } = base;
  // offsetDelta is an int32, so baseOffset + delta stays safe when baseOffset is within 2^52.
  const baseOffsetNumber = baseOffset >= 0n && baseOffset < 2n ** 52n ? Number(baseOffset) : null;
  const baseTimestampNumber = safeNumber(baseTimestamp);
  const appendTime = logAppendTime === null ? null : (safeNumber(logAppendTime) ?? logAppendTime);
  const c = new RecordsCursor(section);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    let key: Buffer | null;
    let value: Buffer | null;
    let headers: RecordHeader[];
    let timestampDelta: number | bigint;
    let offsetDelta: number;
    let next = c.shortRecord(pos, i);
    if (next >= 0) {
      key = c.key;
      value = c.value;
      headers = c.recordHeaders;
      timestampDelta = c.timestampDelta;
      offsetDelta = c.offsetDelta;
    } else {
      c.index = i;
      c.pos = pos;
      c.limit = end;
      const length = c.varint('length');
      const recordStart = c.pos;
      if (length < 0 || length > end - recordStart) {
        throw c.fail(`length ${length} does not fit in the ${end - recordStart} bytes left`);
      }
      c.limit = recordStart + length;
      if (length === 0) throw c.fail('length 0 leaves no room for the attributes');
      c.pos++; // attributes
      timestampDelta = c.varlong('timestampDelta');
      offsetDelta = c.varint('offsetDelta');
      key = c.bytes('key');
      value = c.bytes('value');
      headers = c.headers();
      if (c.pos !== c.limit) {
        throw c.fail(`fields take ${c.pos - recordStart} bytes but the record's length is ${length}`);
      }
      next = c.pos;
    }
    pos = next;
    let timestamp: number | bigint;
    if (appendTime !== null) timestamp = appendTime;
    else if (baseTimestampNumber !== null && typeof timestampDelta === 'number') {
      timestamp = baseTimestampNumber + timestampDelta;
      if (!Number.isSafeInteger(timestamp)) timestamp = baseTimestamp + BigInt(timestampDelta);
    } else timestamp = baseTimestamp + BigInt(timestampDelta);
    const offset =
      baseOffsetNumber !== null ? BigInt(baseOffsetNumber + offsetDelta) : baseOffset + BigInt(offsetDelta);
    out.push(factory.record(key, value, headers, timestamp, offset));
  }
  if (pos !== end) {
    throw new ProtocolError(
      `${end - pos} byte(s) left after the last of ${count} records`,
      'RecordBatch.records',
    );
  }
  return out;
}
