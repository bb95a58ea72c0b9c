/**
 * Zigzag varints straight on a Buffer, for the per-record hot paths (the general-purpose forms
 * are in bytes/reader.ts and bytes/writer.ts). Writers take a position and return the next one;
 * the caller has sized the buffer already, from the `sizeOf` functions.
 */

/** Bytes taken by the zigzag varint of an int32. */
export function sizeOfVarint(v: number): number {
  const u = ((v << 1) ^ (v >> 31)) >>> 0;
  return u < 0x80 ? 1 : u < 0x4000 ? 2 : u < 0x200000 ? 3 : u < 0x10000000 ? 4 : 5;
}

/** Writes the zigzag varint of an int32 at `pos`. */
export function writeVarint(buf: Buffer, pos: number, v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0;
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[pos++] = u;
  return pos;
}

/**
 * Bytes taken by the zigzag varlong of a safe integer. Exact: the zigzag value is below 2^55,
 * and the size steps (2^49, 2^56) are represented exactly.
 */
export function sizeOfVarlong(v: number): number {
  if ((v | 0) === v) return sizeOfVarint(v);
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  let size = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    size++;
  }
  return size;
}

/** Writes the zigzag varlong of a safe integer at `pos`. */
export function writeVarlong(buf: Buffer, pos: number, v: number): number {
  if ((v | 0) === v) return writeVarint(buf, pos, v);
  const big = BigInt(v);
  let u = BigInt.asUintN(64, (big << 1n) ^ (big >> 63n));
  while (u >= 0x80n) {
    buf[pos++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  buf[pos++] = Number(u);
  return pos;
}
