import {
  type CompressionCodec,
  corruptFraming,
  decompressedTooLarge,
  isSkippableMagic,
  skippableFrameEnd,
} from './compression-codec.js';
import { CompressionType } from './compression-type.js';
import { requireCodecPackage } from './optional-package.js';

interface Lz4Package {
  compressFrameSync(data: Buffer): Buffer;
  decompressFrameSync(data: Buffer): Buffer;
}

const lz4Package = (): Lz4Package => requireCodecPackage<Lz4Package>('lz4-napi', CompressionType.Lz4);

/**
 * LZ4 frame format (lz4_Frame_format.md v1.6), all integers little-endian:
 *
 *   frame:      magic 0x184D2204, FLG, BD, [content size: 8], [dictionary id: 4], HC,
 *               blocks, end mark (uint32 0), [content checksum: 4]
 *   FLG:        bits 7-6 version (01), 5 block independence, 4 block checksum, 3 content size,
 *               2 content checksum, 1 reserved (0), 0 dictionary id
 *   BD:         bits 6-4 block maximum size: 4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB
 *   block:      uint32 size (high bit set: stored uncompressed), data, [block checksum: 4]
 *   skippable:  magic 0x184D2A50-0x184D2A5F, uint32 size, data
 *
 * A compressed block never inflates past the block maximum size, so the output of a frame is at
 * most (compressed blocks x maximum) + stored bytes: that bound is checked against the limit
 * before anything is inflated.
 */
const FRAME_MAGIC = 0x184d2204;
const FLG_VERSION = 0x40;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_DICTIONARY_ID = 0x01;
const BLOCK_UNCOMPRESSED = 0x80000000;

/** The most bytes the frames in `data` can inflate to; throws on malformed framing. */
export function lz4FrameBound(data: Buffer): number {
  let pos = 0;
  let bound = 0;
  const need = (n: number, what: string): void => {
    if (data.length - pos < n) throw corruptFraming('lz4', `${what} cut short at offset ${pos}`);
  };
  do {
    need(4, 'frame magic');
    const magic = data.readUInt32LE(pos);
    pos += 4;
    if (isSkippableMagic(magic)) {
      pos = skippableFrameEnd(data, pos, 'lz4');
      continue;
    }
    if (magic !== FRAME_MAGIC)
      throw corruptFraming('lz4', `magic 0x${magic.toString(16)} is not an LZ4 frame`);
    need(2, 'frame descriptor');
    const flg = data[pos]!;
    const bd = data[pos + 1]!;
    pos += 2;
    if ((flg & 0xc0) !== FLG_VERSION)
      throw corruptFraming('lz4', `frame version bits ${flg >> 6} are not 01`);
    const sizeId = (bd >> 4) & 0x07;
    if (sizeId < 4) throw corruptFraming('lz4', `block maximum size id ${sizeId} is not 4-7`);
    const blockMaximum = 1 << (8 + 2 * sizeId);
    const descriptorRest = (flg & FLG_CONTENT_SIZE ? 8 : 0) + (flg & FLG_DICTIONARY_ID ? 4 : 0) + 1;
    need(descriptorRest, 'frame descriptor');
    pos += descriptorRest;
    const blockChecksum = flg & FLG_BLOCK_CHECKSUM ? 4 : 0;
    for (;;) {
      need(4, 'block size');
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const size = (word & ~BLOCK_UNCOMPRESSED) >>> 0;
      if (size > blockMaximum) {
        throw corruptFraming('lz4', `block of ${size} bytes exceeds the frame's maximum of ${blockMaximum}`);
      }
      need(size + blockChecksum, 'block');
      pos += size + blockChecksum;
      bound += word & BLOCK_UNCOMPRESSED ? size : blockMaximum;
    }
    if (flg & FLG_CONTENT_CHECKSUM) {
      need(4, 'content checksum');
      pos += 4;
    }
  } while (pos < data.length);
  return bound;
}

/**
 * LZ4 frames, written by lz4-napi with independent 256 KiB blocks and no checksums (Kafka's
 * batch CRC already covers the compressed bytes), which the Java client and librdkafka read.
 */
export const lz4: CompressionCodec = {
  compress: (data) => lz4Package().compressFrameSync(data),
  decompress(data, maxSize) {
    const bound = lz4FrameBound(data);
    if (bound > maxSize) throw decompressedTooLarge('lz4', bound, maxSize);
    return lz4Package().decompressFrameSync(data);
  },
};
