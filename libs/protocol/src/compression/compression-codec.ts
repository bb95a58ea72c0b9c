import { ProtocolError } from '../errors/protocol-error.js';

/**
 * One codec of the records section. `decompress` must not allocate more than `maxSize` bytes of
 * output: each codec checks a bound it can read from the compressed framing before it inflates.
 * Either method may throw anything on corrupt input; `decompress()` in compression.ts turns that
 * into a ProtocolError.
 */
export interface CompressionCodec {
  compress(data: Buffer): Buffer | Promise<Buffer>;
  decompress(data: Buffer, maxSize: number): Buffer | Promise<Buffer>;
}

/** The error for output that would pass `maxSize`. */
export function decompressedTooLarge(codec: string, size: number, maxSize: number): ProtocolError {
  return new ProtocolError(
    `${codec} data would decompress to ${size} bytes or more, above the limit of ${maxSize} (maxDecompressedSize)`,
    'RecordBatch.records',
  );
}

/** The error for compressed framing that is cut short or malformed. */
export function corruptFraming(codec: string, problem: string): ProtocolError {
  return new ProtocolError(`${codec} framing is corrupt: ${problem}`, 'RecordBatch.records');
}

const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

/** Skippable frames (magic 0x184D2A50-0x184D2A5F, uint32 size, data) exist in both the LZ4 and zstd frame formats. */
export function isSkippableMagic(magic: number): boolean {
  return (magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC;
}

/** Where the skippable frame whose size field starts at `pos` ends; throws when it is cut short. */
export function skippableFrameEnd(data: Buffer, pos: number, codec: string): number {
  if (data.length - pos < 4) throw corruptFraming(codec, `skippable frame size cut short at offset ${pos}`);
  const size = data.readUInt32LE(pos);
  const start = pos + 4;
  if (data.length - start < size) throw corruptFraming(codec, `skippable frame cut short at offset ${start}`);
  return start + size;
}
