import { FRAME_SIZE_PREFIX } from '@runnel/protocol';

/** Why a connection's byte stream cannot be framed any further. */
export class FrameSizeError extends Error {
  override readonly name = 'FrameSizeError';
}

/**
 * Splits a TCP byte stream into Kafka frames: an int32 size, then that many bytes. Chunks are
 * kept in a list with a byte count, and a frame is assembled only once all of it is there: a
 * frame inside one chunk is a view of it (no copy), one spread over chunks is copied once into a
 * buffer of its size. So a large produce request arriving in many chunks is copied once, not once
 * per chunk, and nothing is joined while a frame is still incomplete.
 *
 * A size that is negative or above `maxFrameBytes` (`socket.request.max.bytes`) is refused before
 * anything is buffered for it: the caller closes the connection.
 *
 * Each frame is offered to `admit` (with its size prefix) once its size is read, before its body
 * (the broker's `queued.max.request.bytes` budget reserves it then). While `admit` refuses, no
 * frame is returned and `refused` is set: the caller stops reading and calls `push` again, with
 * no new bytes if it has none, once the budget may have room. A returned frame's reservation
 * passes to the caller; `admittedBytes` is the reservation of a frame still incomplete.
 */
export class FrameDecoder {
  /** Unconsumed input: `chunks[0]` from `head` on, then the other chunks whole. */
  private chunks: Buffer[] = [];
  private head = 0;
  private bufferedBytes = 0;
  private admitted = 0;
  private wasRefused = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly admit: (frameBytes: number) => boolean = () => true,
  ) {}

  /** Whether the last `push` stopped at a frame `admit` refused. */
  get refused(): boolean {
    return this.wasRefused;
  }

  /** Bytes admitted for the frame being read (0 between frames). */
  get admittedBytes(): number {
    return this.admitted;
  }

  /** Bytes received and not yet returned in a frame. */
  get buffered(): number {
    return this.bufferedBytes;
  }

  /** Adds a chunk and returns the frames (without their size prefix) it completes. */
  push(chunk: Buffer): Buffer[] {
    this.wasRefused = false;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.bufferedBytes += chunk.length;
    }
    const frames: Buffer[] = [];
    while (this.bufferedBytes >= FRAME_SIZE_PREFIX) {
      const size = this.peekSize();
      if (size < 0 || size > this.maxFrameBytes) {
        throw new FrameSizeError(
          `request size ${size} is outside 0..${this.maxFrameBytes} (socket.request.max.bytes)`,
        );
      }
      if (this.admitted === 0) {
        if (!this.admit(FRAME_SIZE_PREFIX + size)) {
          this.wasRefused = true;
          break;
        }
        this.admitted = FRAME_SIZE_PREFIX + size;
      }
      if (this.bufferedBytes < FRAME_SIZE_PREFIX + size) break;
      this.skip(FRAME_SIZE_PREFIX);
      frames.push(this.take(size));
      this.admitted = 0;
    }
    return frames;
  }

  /** The int32 at the front, which may straddle chunks. */
  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length - this.head >= FRAME_SIZE_PREFIX) return first.readInt32BE(this.head);
    let size = 0;
    let chunk = 0;
    let at = this.head;
    for (let i = 0; i < FRAME_SIZE_PREFIX; i++) {
      while (at >= this.chunks[chunk]!.length) {
        chunk++;
        at = 0;
      }
      size = size * 256 + this.chunks[chunk]![at++]!;
    }
    return size | 0;
  }

  private skip(n: number): void {
    this.bufferedBytes -= n;
    while (n > 0) {
      const first = this.chunks[0]!;
      const available = first.length - this.head;
      if (available > n) {
        this.head += n;
        return;
      }
      n -= available;
      this.chunks.shift();
      this.head = 0;
    }
  }

  /** Removes the next `n` bytes (all buffered): a view when they lie in one chunk, else one copy. */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (n === 0) return Buffer.alloc(0);
    if (first!.length - this.head >= n) {
      const frame = first!.subarray(this.head, this.head + n);
      this.skip(n);
      return frame;
    }
    const frame = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const copied = chunk.copy(frame, filled, this.head, Math.min(chunk.length, this.head + n - filled));
      filled += copied;
      this.skip(copied);
    }
    return frame;
  }
}
