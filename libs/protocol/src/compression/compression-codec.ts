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
