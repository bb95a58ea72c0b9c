import { FRAME_SIZE_PREFIX } from '@runnel/protocol';

/**
 * Cuts a byte stream into Kafka frames (int32 size, then that many bytes) without joining chunks.
 *
 * Invariants: `chunks[0]` is unread from `head` on, later chunks are wholly unread, and `buffered`
 * is the number of unread bytes. A frame that lies inside one chunk — the usual case, since a
 * socket read holds many small responses — is handed out as a `subarray` of it, no copy; only a
 * frame that spans chunks is copied, once, into a buffer of exactly its size. So a large response
 * arriving in many reads costs one copy in total, not one join per read.
 */
export class FrameReader {
  private readonly chunks: Buffer[] = [];
  private head = 0;
  private buffered = 0;
  /** Size of the frame being read, or -1 while its size prefix has not arrived. */
  private frameSize = -1;

  /** Bytes received and not yet handed out as frames (size prefixes included). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /**
   * The next whole frame without its size prefix, or undefined until more bytes arrive. Throws a
   * RangeError for a negative size, which no Kafka peer sends: the stream cannot be trusted after it.
   */
  next(): Buffer | undefined {
    if (this.frameSize < 0) {
      // The common case first: size prefix and frame both inside the first chunk.
      const first = this.chunks[0];
      if (first !== undefined && first.length - this.head >= FRAME_SIZE_PREFIX) {
        const start = this.head + FRAME_SIZE_PREFIX;
        const size = first.readInt32BE(this.head);
        if (size >= 0 && first.length - start >= size) {
          this.advance(FRAME_SIZE_PREFIX + size);
          return first.subarray(start, start + size);
        }
      }
      if (this.buffered < FRAME_SIZE_PREFIX) return undefined;
      const size = this.readSize();
      if (size < 0) throw new RangeError(`frame size ${size} is negative`);
      this.frameSize = size;
    }
    if (this.buffered < this.frameSize) return undefined;
    const frame = this.take(this.frameSize);
    this.frameSize = -1;
    return frame;
  }

  private readSize(): number {
    const first = this.chunks[0] as Buffer;
    if (first.length - this.head >= FRAME_SIZE_PREFIX) {
      const size = first.readInt32BE(this.head);
      this.advance(FRAME_SIZE_PREFIX);
      return size;
    }
    return this.take(FRAME_SIZE_PREFIX).readInt32BE(0);
  }

  /** Removes and returns the next `n` unread bytes; the caller has checked that `n <= buffered`. */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (n === 0 || first === undefined) return Buffer.alloc(0);
    if (first.length - this.head >= n) {
      const slice = first.subarray(this.head, this.head + n);
      this.advance(n);
      return slice;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[0] as Buffer;
      const count = Math.min(chunk.length - this.head, n - written);
      chunk.copy(out, written, this.head, this.head + count);
      written += count;
      this.advance(count);
    }
    return out;
  }

  /** Marks `n` bytes of the first chunk as read, dropping it once it is used up. */
  private advance(n: number): void {
    this.head += n;
    this.buffered -= n;
    if (this.head === (this.chunks[0] as Buffer).length) {
      this.chunks.shift();
      this.head = 0;
    }
  }
}
