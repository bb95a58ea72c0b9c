/**
 * The codec of a batch's records section: bits 0-2 of the batch attributes, as Kafka numbers
 * them. Values 5-7 are unassigned.
 */
export const CompressionType = {
  None: 0,
  Gzip: 1,
  Snappy: 2,
  Lz4: 3,
  Zstd: 4,
} as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

/** Kafka's name of each codec, as in the `compression.type` config. */
export const COMPRESSION_NAMES: Readonly<Record<CompressionType, string>> = {
  0: 'none',
  1: 'gzip',
  2: 'snappy',
  3: 'lz4',
  4: 'zstd',
};

/**
 * Ceiling on the bytes one batch may decompress to, unless the caller sets another (64 MiB).
 * Far above Kafka's default `message.max.bytes` (1 MiB) at any sane compression ratio, far below
 * what a decompression bomb would take.
 */
export const DEFAULT_MAX_DECOMPRESSED_SIZE = 64 * 1024 * 1024;
