import { FRAME_SIZE_PREFIX } from '@runnel/protocol';

/** Why a connection's byte stream cannot be framed any further. */
export class FrameSizeError extends Error {
  override readonly name = 'FrameSizeError';
}

/**
 * Splits a TCP byte stream into Kafka frames: an int32 size, then that many bytes. Chunks are
 * kept in a list and joined only once a whole frame is there, so a large produce request arriving
 * in many chunks is copied once, not once per chunk.
 *
 * A size that is negative or above `maxFrameBytes` (`socket.request.max.bytes`) is refused before
 * anything is buffered for it: the caller closes the connection.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Adds a chunk and returns the frames (without their size prefix) it completes. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= FRAME_SIZE_PREFIX) {
      const size = this.peekSize();
      if (size < 0 || size > this.maxFrameBytes) {
        throw new FrameSizeError(
          `request size ${size} is outside 0..${this.maxFrameBytes} (socket.request.max.bytes)`,
        );
      }
      if (this.buffered < FRAME_SIZE_PREFIX + size) break;
      frames.push(this.take(FRAME_SIZE_PREFIX + size).subarray(FRAME_SIZE_PREFIX));
    }
    return frames;
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= FRAME_SIZE_PREFIX) return first.readInt32BE(0);
    return this.take(FRAME_SIZE_PREFIX, true).readInt32BE(0);
  }

  /** Removes `n` bytes from the front (or only reads them, with `peek`). */
  private take(n: number, peek = false): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (peek) return first;
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return this.take(n, peek);
  }
}
