import { Reader } from '../bytes/reader.js';
import { type CompressionCodec, corruptFraming, decompressedTooLarge } from './compression-codec.js';
import { CompressionType } from './compression-type.js';
import { requireCodecPackage } from './optional-package.js';

interface SnappyPackage {
  compressSync(input: Uint8Array): Buffer;
  uncompressSync(input: Uint8Array): Buffer | string;
}

const snappyPackage = (): SnappyPackage =>
  requireCodecPackage<SnappyPackage>('snappy', CompressionType.Snappy);

/**
 * The xerial snappy-java stream format, which the Java client writes (its SnappyOutputStream):
 *
 *   header (16 bytes): 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, int32 version (1), int32 compatible version (1)
 *   blocks:            int32 length (big-endian), then that many bytes of raw snappy
 *
 * Each block compresses at most 32 KiB of input. snappy-java, librdkafka and kafkajs-snappy all
 * read this form (and raw snappy), so it is what we write.
 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
const XERIAL_BLOCK_SIZE = 32 * 1024;

function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && XERIAL_MAGIC.equals(data.subarray(0, XERIAL_MAGIC.length));
}

/** The uncompressed length a raw snappy block declares in its uvarint preamble. */
function declaredLength(block: Buffer): number {
  return new Reader(block).uvarint('snappy length');
}

function uncompressRaw(block: Buffer): Buffer {
  return snappyPackage().uncompressSync(block) as Buffer;
}

/** The raw snappy blocks of a xerial stream, and the sum of their declared lengths. */
function xerialBlocks(data: Buffer): { blocks: Buffer[]; size: number } {
  const blocks: Buffer[] = [];
  let size = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (data.length - pos < 4) throw corruptFraming('snappy', `block length cut short at offset ${pos}`);
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || length > data.length - pos) {
      throw corruptFraming(
        'snappy',
        `block of ${length} bytes at offset ${pos} but ${data.length - pos} remain`,
      );
    }
    const block = data.subarray(pos, pos + length);
    pos += length;
    blocks.push(block);
    size += declaredLength(block);
  }
  return { blocks, size };
}

/**
 * Snappy, written in the xerial framing above; read from either that framing or raw snappy (one
 * block with no header, as librdkafka writes). The bound checked before inflating is the
 * uncompressed length every raw block declares, which the decompressor enforces.
 */
export const snappy: CompressionCodec = {
  compress(data) {
    const { compressSync } = snappyPackage();
    const parts: Buffer[] = [Buffer.alloc(XERIAL_HEADER_SIZE)];
    XERIAL_MAGIC.copy(parts[0]!);
    parts[0]!.writeInt32BE(XERIAL_VERSION, 8);
    parts[0]!.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
    for (let start = 0; start < data.length; start += XERIAL_BLOCK_SIZE) {
      const block = compressSync(data.subarray(start, start + XERIAL_BLOCK_SIZE));
      const length = Buffer.allocUnsafe(4);
      length.writeInt32BE(block.length);
      parts.push(length, block);
    }
    return Buffer.concat(parts);
  },
  decompress(data, maxSize) {
    if (!isXerialFramed(data)) {
      const size = declaredLength(data);
      if (size > maxSize) throw decompressedTooLarge('snappy', size, maxSize);
      return uncompressRaw(data);
    }
    const { blocks, size } = xerialBlocks(data);
    if (size > maxSize) throw decompressedTooLarge('snappy', size, maxSize);
    return Buffer.concat(blocks.map(uncompressRaw));
  },
};
