import { ProtocolError } from '../errors/protocol-error.js';
import { formatUuid } from './uuid.js';

/**
 * A bounds-checked cursor over a Buffer with every primitive of the Kafka protocol.
 *
 * Every read checks the bytes remaining first and throws a {@link ProtocolError} naming the field
 * (the optional last argument of each method) when the input is short, a length is negative where
 * null is not allowed, or a length prefix claims more bytes than remain. Nothing is allocated from
 * a length prefix before it has been checked against the bytes that are actually there, so a
 * hostile prefix cannot make the reader allocate gigabytes or read out of bounds.
 *
 * `bytes()` and friends return views into the input (no copy): keep the input alive, or copy.
 */
export class Reader {
  private pos: number;
  private readonly end: number;

  constructor(
    private readonly buf: Buffer,
    offset = 0,
    end = buf.length,
  ) {
    this.pos = offset;
    this.end = end;
  }

  /** Absolute position of the next byte to read. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left before the end. */
  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, field: string | undefined, what: string): void {
    if (n > this.end - this.pos) {
      throw new ProtocolError(
        `needs ${n} byte(s) for ${what} at offset ${this.pos} but only ${this.end - this.pos} remain`,
        field,
      );
    }
  }

  int8(field?: string): number {
    this.need(1, field, 'an int8');
    return this.buf.readInt8(this.pos++);
  }

  uint8(field?: string): number {
    this.need(1, field, 'a uint8');
    return this.buf[this.pos++]!;
  }

  bool(field?: string): boolean {
    return this.uint8(field) !== 0;
  }

  int16(field?: string): number {
    this.need(2, field, 'an int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(field?: string): number {
    this.need(2, field, 'a uint16');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(field?: string): number {
    this.need(4, field, 'an int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(field?: string): number {
    this.need(4, field, 'a uint32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(field?: string): bigint {
    this.need(8, field, 'an int64');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  float64(field?: string): number {
    this.need(8, field, 'a float64');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Unsigned LEB128 varint of at most 5 bytes (a 32-bit unsigned value). */
  uvarint(field?: string): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 5; i++) {
      this.need(1, field, 'a varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new ProtocolError(`varint ${result} does not fit in 32 bits`, field);
        return result;
      }
      multiplier *= 128;
    }
    throw new ProtocolError(`varint at offset ${this.pos - 5} is longer than 5 bytes`, field);
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(field?: string): number {
    const u = this.uvarint(field);
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zigzag-encoded signed 64-bit varint (varlong), at most 10 bytes. */
  varlong(field?: string): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      this.need(1, field, 'a varlong');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        const u = BigInt.asUintN(64, result);
        return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n));
      }
      shift += 7n;
    }
    throw new ProtocolError(`varlong at offset ${this.pos - 10} is longer than 10 bytes`, field);
  }

  /** `n` raw bytes, as a view into the input. */
  raw(n: number, field?: string): Buffer {
    if (n < 0) throw new ProtocolError(`length ${n} is negative`, field);
    this.need(n, field, 'bytes');
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  private utf8(len: number, field: string | undefined): string {
    this.need(len, field, 'a string');
    const v = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return v;
  }

  /** int16 length + UTF-8; throws on null (length -1). */
  string(field?: string): string {
    const v = this.nullableString(field);
    if (v === null) throw new ProtocolError('is null but the field is not nullable', field);
    return v;
  }

  /** int16 length + UTF-8; length -1 is null. */
  nullableString(field?: string): string | null {
    const len = this.int16(field);
    if (len === -1) return null;
    if (len < 0) throw new ProtocolError(`string length ${len} is negative`, field);
    return this.utf8(len, field);
  }

  /** uvarint (length + 1) + UTF-8; throws on null (0). */
  compactString(field?: string): string {
    const v = this.compactNullableString(field);
    if (v === null) throw new ProtocolError('is null but the field is not nullable', field);
    return v;
  }

  /** uvarint (length + 1) + UTF-8; 0 is null. */
  compactNullableString(field?: string): string | null {
    const n = this.uvarint(field);
    if (n === 0) return null;
    return this.utf8(n - 1, field);
  }

  /** int32 length + bytes; throws on null (length -1). */
  bytes(field?: string): Buffer {
    const v = this.nullableBytes(field);
    if (v === null) throw new ProtocolError('is null but the field is not nullable', field);
    return v;
  }

  /** int32 length + bytes; length -1 is null. */
  nullableBytes(field?: string): Buffer | null {
    const len = this.int32(field);
    if (len === -1) return null;
    if (len < 0) throw new ProtocolError(`bytes length ${len} is negative`, field);
    return this.raw(len, field);
  }

  /** uvarint (length + 1) + bytes; throws on null (0). */
  compactBytes(field?: string): Buffer {
    const v = this.compactNullableBytes(field);
    if (v === null) throw new ProtocolError('is null but the field is not nullable', field);
    return v;
  }

  /** uvarint (length + 1) + bytes; 0 is null. */
  compactNullableBytes(field?: string): Buffer | null {
    const n = this.uvarint(field);
    if (n === 0) return null;
    return this.raw(n - 1, field);
  }

  /** varint length + bytes; -1 is null (the form used inside records). */
  varintBytes(field?: string): Buffer | null {
    const len = this.varint(field);
    if (len === -1) return null;
    if (len < 0) throw new ProtocolError(`bytes length ${len} is negative`, field);
    return this.raw(len, field);
  }

  /**
   * int32 element count; -1 is null. The count is checked against the bytes remaining (every
   * element takes at least `minElementSize` bytes), so a bogus count fails here, not in an
   * allocation.
   */
  arrayLength(field?: string, minElementSize = 1): number | null {
    const n = this.int32(field);
    if (n === -1) return null;
    return this.checkCount(n, field, minElementSize);
  }

  /** uvarint (count + 1); 0 is null. Checked like {@link arrayLength}. */
  compactArrayLength(field?: string, minElementSize = 1): number | null {
    const n = this.uvarint(field);
    if (n === 0) return null;
    return this.checkCount(n - 1, field, minElementSize);
  }

  private checkCount(n: number, field: string | undefined, minElementSize: number): number {
    if (n < 0) throw new ProtocolError(`array length ${n} is negative`, field);
    if (n * minElementSize > this.remaining) {
      throw new ProtocolError(
        `array length ${n} needs at least ${n * minElementSize} byte(s) but only ${this.remaining} remain`,
        field,
      );
    }
    return n;
  }

  /** 16 bytes as the canonical 8-4-4-4-12 hex form. */
  uuid(field?: string): string {
    return formatUuid(this.raw(16, field));
  }

  /** Moves past `n` bytes. */
  skip(n: number, field?: string): void {
    this.raw(n, field);
  }
}
