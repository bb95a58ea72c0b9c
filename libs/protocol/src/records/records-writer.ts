import { ProtocolError } from '../errors/protocol-error.js';
import type { RecordInput } from './record.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

/**
 * Encodes the records section of a batch in two passes: `planRecords` computes every size first,
 * so `writeRecords` writes each byte once into a buffer allocated at its final size.
 *
 * Record layout (Kafka's DefaultRecord; varints are zigzag):
 *
 *   length          varint  bytes of the rest of the record
 *   attributes      int8    0 (unused)
 *   timestampDelta  varlong timestamp - batch baseTimestamp
 *   offsetDelta     varint  index in the batch
 *   key             varint length (-1 = null) + bytes
 *   value           varint length (-1 = null) + bytes
 *   headers         varint count, then per header: varint length + UTF-8 key,
 *                   varint length (-1 = null) + value bytes
 */
export interface RecordsPlan {
  /** Total bytes of the records section. */
  size: number;
  /** Per record: its length field (the bytes after it). */
  bodySizes: Int32Array;
  /** Per record: timestamp - baseTimestamp. */
  timestampDeltas: Float64Array;
  /** UTF-8 byte length of every header key, records in order, headers in order. */
  headerKeyLengths: number[];
  /** Highest record timestamp. */
  maxTimestamp: number;
}

/** A timestamp as a safe-integer number. */
export function timestampOf(t: bigint | number, field: string): number {
  const n = Number(t);
  if (!Number.isSafeInteger(n) || (typeof t === 'bigint' && BigInt(n) !== t)) {
    throw new ProtocolError(`timestamp ${t} is not an integer within ±(2^53 - 1) milliseconds`, field);
  }
  return n;
}

const NULL_LENGTH_SIZE = 1;

/** Sizes every record of the section; checks timestamps and the section's size limit. */
export function planRecords(records: readonly RecordInput[], baseTimestamp: number): RecordsPlan {
  const n = records.length;
  const bodySizes = new Int32Array(n);
  const timestampDeltas = new Float64Array(n);
  const headerKeyLengths: number[] = [];
  let size = 0;
  let maxTimestamp = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const t = r.timestamp;
    // Plain numbers are checked inline: formatting the field name for every record would cost more
    // than encoding it.
    const timestamp =
      t === undefined
        ? baseTimestamp
        : typeof t === 'number' && Number.isSafeInteger(t)
          ? t
          : timestampOf(t, `records[${i}].timestamp`);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const delta = timestamp - baseTimestamp;
    if (!Number.isSafeInteger(delta)) {
      throw new ProtocolError(
        `timestamp ${timestamp} is too far from baseTimestamp ${baseTimestamp}`,
        `records[${i}].timestamp`,
      );
    }
    timestampDeltas[i] = delta;
    const key = r.key ?? null;
    const value = r.value;
    let body =
      1 +
      sizeOfVarlong(delta) +
      sizeOfVarint(i) +
      (key === null ? NULL_LENGTH_SIZE : sizeOfVarint(key.length) + key.length) +
      (value === null ? NULL_LENGTH_SIZE : sizeOfVarint(value.length) + value.length);
    const headers = r.headers;
    if (headers === undefined || headers.length === 0) {
      body += 1;
    } else {
      body += sizeOfVarint(headers.length);
      for (const h of headers) {
        const keyLength = Buffer.byteLength(h.key, 'utf8');
        headerKeyLengths.push(keyLength);
        body +=
          sizeOfVarint(keyLength) +
          keyLength +
          (h.value === null ? NULL_LENGTH_SIZE : sizeOfVarint(h.value.length) + h.value.length);
      }
    }
    bodySizes[i] = body;
    size += sizeOfVarint(body) + body;
  }
  return { size, bodySizes, timestampDeltas, headerKeyLengths, maxTimestamp };
}

function writeBytes(buf: Buffer, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) {
    buf[pos] = 1; // zigzag varint of -1
    return pos + 1;
  }
  pos = writeVarint(buf, pos, bytes.length);
  buf.set(bytes, pos);
  return pos + bytes.length;
}

/** Writes the records planned by {@link planRecords} into `buf` from `at`; returns the end. */
export function writeRecords(
  records: readonly RecordInput[],
  plan: RecordsPlan,
  buf: Buffer,
  at: number,
): number {
  const { bodySizes, timestampDeltas, headerKeyLengths } = plan;
  let pos = at;
  let headerIndex = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    pos = writeVarint(buf, pos, bodySizes[i]!);
    buf[pos++] = 0;
    pos = writeVarlong(buf, pos, timestampDeltas[i]!);
    pos = writeVarint(buf, pos, i);
    pos = writeBytes(buf, pos, r.key ?? null);
    pos = writeBytes(buf, pos, r.value);
    const headers = r.headers;
    if (headers === undefined || headers.length === 0) {
      buf[pos++] = 0;
    } else {
      pos = writeVarint(buf, pos, headers.length);
      for (const h of headers) {
        const keyLength = headerKeyLengths[headerIndex++]!;
        pos = writeVarint(buf, pos, keyLength);
        pos += buf.write(h.key, pos, keyLength, 'utf8');
        pos = writeBytes(buf, pos, h.value);
      }
    }
  }
  return pos;
}
