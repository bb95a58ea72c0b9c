/**
 * MurmurHash2, 32-bit, exactly as Kafka's Java client computes it (`Utils.murmur2`): seed
 * 0x9747b28c, little-endian 4-byte blocks, result as a signed 32-bit integer. Kafka and every
 * Java-compatible client (kafkajs's DefaultPartitioner, librdkafka's `murmur2_random`) place a keyed
 * record on `toPositive(murmur2(keyBytes)) % partitionCount`, so this function is what keeps a key on
 * the same partition whichever of them produced it.
 */

const SEED = 0x9747b28c;
// Mixing constants of MurmurHash2.
const M = 0x5bd1e995;
const R = 24;

/** The signed 32-bit MurmurHash2 of `data`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;

  const blocksEnd = length & ~3;
  for (let i = 0; i < blocksEnd; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }

  const tail = length & 3;
  if (tail === 3) h ^= data[blocksEnd + 2]! << 16;
  if (tail >= 2) h ^= data[blocksEnd + 1]! << 8;
  if (tail >= 1) {
    h ^= data[blocksEnd]!;
    h = Math.imul(h, M);
  }

  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * Kafka's `Utils.toPositive`: clears the sign bit. Not `Math.abs`: `toPositive(-1)` is 2147483647, and
 * the value for the most negative int is 0 rather than an overflow.
 */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}
