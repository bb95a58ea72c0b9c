import { loadOptionalPackage } from '../compression/optional-package.js';

/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of RecordBatch v2.
 *
 * `initial` is the CRC of the bytes before `data`, so `crc32c(b, crc32c(a))` equals the CRC of
 * `a` followed by `b`. Results are unsigned 32-bit numbers; the check value of "123456789" is
 * 0xe3069283.
 */
export type Crc32c = (data: Uint8Array, initial?: number) => number;

const POLYNOMIAL = 0x82f63b78;

/**
 * Slicing-by-8 tables, 8 x 256 entries in one array: entry `k * 256 + b` is the CRC of byte `b`
 * followed by `k` zero bytes, so eight input bytes are folded per step with eight lookups.
 */
const TABLES = (() => {
  const t = new Uint32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    t[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    let c = t[b]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + b] = c;
    }
  }
  return t;
})();

/** The pure-JavaScript CRC-32C, used when the native package is absent. */
export function crc32cPure(data: Uint8Array, initial = 0): number {
  const t = TABLES;
  let c = ~initial;
  let i = 0;
  const n = data.length;
  const end8 = n - (n & 7);
  while (i < end8) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c =
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
    i += 8;
  }
  while (i < n) c = t[(c ^ data[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * The native CRC-32C of the optional package '@node-rs/crc32' (already unsigned, same `initial`
 * convention), or `undefined` when it is absent.
 */
export const crc32cNative: Crc32c | undefined = loadOptionalPackage<{ crc32c: Crc32c }>(
  '@node-rs/crc32',
)?.crc32c;

/** CRC-32C of `data`: native (SSE 4.2 / ARMv8 CRC instructions) when available, else {@link crc32cPure}. */
export const crc32c: Crc32c = crc32cNative ?? crc32cPure;
