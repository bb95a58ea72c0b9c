import {
  type CompressionCodec,
  corruptFraming,
  decompressedTooLarge,
  isSkippableMagic,
  skippableFrameEnd,
} from './compression-codec.js';
import { CompressionType } from './compression-type.js';
import { requireCodecPackage } from './optional-package.js';

interface ZstdPackage {
  compress(data: Buffer): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

const zstdPackage = (): ZstdPackage =>
  requireCodecPackage<ZstdPackage>('@mongodb-js/zstd', CompressionType.Zstd);

/**
 * Zstandard frames (RFC 8878), all integers little-endian:
 *
 *   frame:       magic 0xFD2FB528, descriptor, [window descriptor: 1], [dictionary id: 0/1/2/4],
 *                [content size: 0/1/2/4/8], blocks, [content checksum: 4]
 *   descriptor:  bits 7-6 content size flag, 5 single segment, 3 reserved (0),
 *                2 content checksum, 1-0 dictionary id flag
 *   block:       3-byte header (bit 0 last block, bits 2-1 type, bits 23-3 size), then
 *                raw: size bytes | RLE: 1 byte repeated size times | compressed: size bytes
 *   skippable:   magic 0x184D2A50-0x184D2A5F, uint32 size, data
 *
 * No block, of any type, inflates past 128 KiB, so a raw or RLE block adds its size to the bound
 * and a compressed block adds 128 KiB. The content size field is optional (the Java client's
 * streaming writer leaves it out) and the binding inflates without a limit, so this bound is what
 * keeps a small frame of RLE blocks from inflating to gigabytes.
 */
const FRAME_MAGIC = 0xfd2fb528;
const BLOCK_MAXIMUM_SIZE = 128 * 1024;
const DICTIONARY_ID_SIZES = [0, 1, 2, 4] as const;
const CONTENT_SIZE_SIZES = [0, 2, 4, 8] as const;

/** The most bytes the frames in `data` can inflate to; throws on malformed framing. */
export function zstdFrameBound(data: Buffer): number {
  let pos = 0;
  let bound = 0;
  const need = (n: number, what: string): void => {
    if (data.length - pos < n) throw corruptFraming('zstd', `${what} cut short at offset ${pos}`);
  };
  do {
    need(4, 'frame magic');
    const magic = data.readUInt32LE(pos);
    pos += 4;
    if (isSkippableMagic(magic)) {
      pos = skippableFrameEnd(data, pos, 'zstd');
      continue;
    }
    if (magic !== FRAME_MAGIC)
      throw corruptFraming('zstd', `magic 0x${magic.toString(16)} is not a zstd frame`);
    need(1, 'frame header');
    const descriptor = data[pos++]!;
    if (descriptor & 0x08) throw corruptFraming('zstd', 'reserved bit of the frame header is set');
    const singleSegment = (descriptor & 0x20) !== 0;
    const contentSizeFlag = descriptor >> 6;
    const headerRest =
      (singleSegment ? 0 : 1) +
      DICTIONARY_ID_SIZES[descriptor & 0x03]! +
      (contentSizeFlag === 0 && singleSegment ? 1 : CONTENT_SIZE_SIZES[contentSizeFlag]!);
    need(headerRest, 'frame header');
    pos += headerRest;
    let last = false;
    while (!last) {
      need(3, 'block header');
      const header = data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16);
      pos += 3;
      last = (header & 1) === 1;
      const type = (header >> 1) & 0x03;
      const size = header >>> 3;
      if (type === 3) throw corruptFraming('zstd', `block at offset ${pos - 3} has the reserved type 3`);
      if (size > BLOCK_MAXIMUM_SIZE) {
        throw corruptFraming('zstd', `block of ${size} bytes exceeds the maximum of ${BLOCK_MAXIMUM_SIZE}`);
      }
      const stored = type === 1 ? 1 : size;
      need(stored, 'block');
      pos += stored;
      bound += type === 2 ? BLOCK_MAXIMUM_SIZE : size;
    }
    if (descriptor & 0x04) {
      need(4, 'content checksum');
      pos += 4;
    }
  } while (pos < data.length);
  return bound;
}

/**
 * Zstandard through the optional package '@mongodb-js/zstd', whose binding is asynchronous (it
 * runs on the libuv thread pool): the one codec that makes batch encoding and decoding async.
 */
export const zstd: CompressionCodec = {
  compress: (data) => zstdPackage().compress(data),
  async decompress(data, maxSize) {
    const bound = zstdFrameBound(data);
    if (bound > maxSize) throw decompressedTooLarge('zstd', bound, maxSize);
    return zstdPackage().decompress(data);
  },
};
