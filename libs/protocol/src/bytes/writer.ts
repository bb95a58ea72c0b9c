import { ProtocolError } from '../errors/protocol-error.js';
import { parseUuid } from './uuid.js';

const INITIAL_CAPACITY = 256;
const TWO_32 = 2 ** 32;
const MAX_SAFE_INT64 = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE_INT64 = -MAX_SAFE_INT64;

/**
 * An append-only byte writer over a growable Buffer, with every primitive of the Kafka protocol:
 * fixed-width big-endian integers, unsigned and zigzag varints, classic (int16/int32 length) and
 * compact (uvarint length + 1) strings, bytes and arrays, tagged fields and UUIDs.
 *
 * Capacity doubles as needed, so encoding a message costs amortised O(size). `finish()` returns a
 * view of the written bytes without copying; the writer must not be used afterwards.
 */
export class Writer {
  private buf: Buffer;
  private pos = 0;

  constructor(initialCapacity = INITIAL_CAPACITY) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** The bytes written so far, as a view (no copy). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = Buffer.allocUnsafe(capacity);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
    return this;
  }

  uint8(v: number): this {
    this.ensure(1);
    this.pos = this.buf.writeUInt8(v, this.pos);
    return this;
  }

  bool(v: boolean): this {
    return this.uint8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
    return this;
  }

  int64(v: bigint): this {
    this.ensure(8);
    if (typeof v === 'bigint' && v >= MIN_SAFE_INT64 && v <= MAX_SAFE_INT64) {
      // Offsets, timestamps and ids are safe integers: written as two int32 halves from one
      // Number, the same bytes as writeBigInt64BE without its BigInt masks and shifts.
      const n = Number(v);
      const high = Math.floor(n / TWO_32);
      this.buf.writeInt32BE(high, this.pos);
      this.buf.writeUInt32BE(n - high * TWO_32, this.pos + 4);
      this.pos += 8;
      return this;
    }
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
    return this;
  }

  /** Unsigned LEB128 varint of a 32-bit unsigned value. */
  uvarint(v: number): this {
    if (v < 0 || v > 0xffffffff || !Number.isInteger(v)) {
      throw new ProtocolError(`unsigned varint ${v} is outside 0..4294967295`);
    }
    this.ensure(5);
    let value = v;
    while (value >= 0x80) {
      this.buf[this.pos++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buf[this.pos++] = value;
    return this;
  }

  /** Zigzag-encoded signed 32-bit varint, as record fields use. */
  varint(v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Zigzag-encoded signed 64-bit varint (varlong). */
  varlong(v: bigint): this {
    let value = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (value >= 0x80n) {
      this.buf[this.pos++] = Number(value & 0x7fn) | 0x80;
      value >>= 7n;
    }
    this.buf[this.pos++] = Number(value);
    return this;
  }

  /** Raw bytes with no length prefix. */
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** int16 length + UTF-8; null is length -1. */
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new ProtocolError(`string of ${len} bytes exceeds the limit of 32767`);
    this.int16(len);
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, 'utf8');
    return this;
  }

  /** uvarint (length + 1) + UTF-8; null is 0. */
  compactString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    const len = Buffer.byteLength(v, 'utf8');
    this.uvarint(len + 1);
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, 'utf8');
    return this;
  }

  /** int32 length + bytes; null is length -1. */
  bytes(v: Uint8Array | null): this {
    if (v === null) return this.int32(-1);
    return this.int32(v.length).raw(v);
  }

  /** uvarint (length + 1) + bytes; null is 0. */
  compactBytes(v: Uint8Array | null): this {
    if (v === null) return this.uvarint(0);
    return this.uvarint(v.length + 1).raw(v);
  }

  /** varint length + bytes; null is -1 (the form used inside records). */
  varintBytes(v: Uint8Array | null): this {
    if (v === null) return this.varint(-1);
    return this.varint(v.length).raw(v);
  }

  /** Array length as int32 (-1 for null). */
  arrayLength(n: number | null): this {
    return this.int32(n ?? -1);
  }

  /** Array length as uvarint (length + 1; 0 for null). */
  compactArrayLength(n: number | null): this {
    return this.uvarint(n === null ? 0 : n + 1);
  }

  /** 16 raw bytes from the canonical 8-4-4-4-12 hex form. */
  uuid(v: string): this {
    return this.raw(parseUuid(v));
  }

  /** Overwrites an int32 at an absolute position already written (for length prefixes). */
  patchInt32(position: number, v: number): this {
    this.buf.writeInt32BE(v, position);
    return this;
  }
}
