import { ProtocolError } from '../errors/protocol-error.js';
import type { CompressionCodec } from './compression-codec.js';
import { COMPRESSION_NAMES, CompressionType, DEFAULT_MAX_DECOMPRESSED_SIZE } from './compression-type.js';
import { gzip } from './gzip.js';
import { lz4 } from './lz4.js';
import { snappy } from './snappy.js';
import { UnsupportedCompressionTypeError } from './unsupported-compression-type-error.js';
import { zstd } from './zstd.js';

const CODECS: Readonly<Record<number, CompressionCodec>> = {
  [CompressionType.Gzip]: gzip,
  [CompressionType.Snappy]: snappy,
  [CompressionType.Lz4]: lz4,
  [CompressionType.Zstd]: zstd,
};

function codecFor(type: number): CompressionCodec {
  const codec = CODECS[type];
  if (codec === undefined) {
    throw new UnsupportedCompressionTypeError(
      `compression type ${type} is not one Kafka defines (0-4)`,
      type,
    );
  }
  return codec;
}

function failed(type: number, action: string, e: unknown): ProtocolError {
  if (e instanceof ProtocolError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  return new ProtocolError(
    `${COMPRESSION_NAMES[type as CompressionType]} ${action} failed: ${reason}`,
    'RecordBatch.records',
    {
      cause: e,
    },
  );
}

/**
 * Compresses a records section with the codec `type` (None returns `data` itself). Async because
 * zstd's binding is; the other codecs run synchronously inside.
 */
export async function compress(type: CompressionType, data: Buffer): Promise<Buffer> {
  if (type === CompressionType.None) return data;
  const codec = codecFor(type);
  try {
    return await codec.compress(data);
  } catch (e) {
    throw failed(type, 'compression', e);
  }
}

/**
 * Inflates a records section compressed with codec `type` (None returns `data` itself). Never
 * produces, nor allocates for, more than `maxSize` bytes (default
 * {@link DEFAULT_MAX_DECOMPRESSED_SIZE}); corrupt input, an unknown codec and a missing optional
 * package all throw a {@link ProtocolError}.
 */
export async function decompress(
  type: number,
  data: Buffer,
  maxSize = DEFAULT_MAX_DECOMPRESSED_SIZE,
): Promise<Buffer> {
  if (type === CompressionType.None) return data;
  const codec = codecFor(type);
  try {
    return await codec.decompress(data, maxSize);
  } catch (e) {
    throw failed(type, 'decompression', e);
  }
}
