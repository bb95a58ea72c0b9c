import { BATCH_HEADER_SIZE, BatchLayout, LOG_OVERHEAD } from '@runnel/protocol';
import type { FileRecords } from './file-records.js';

/** Bytes read per step while walking batch headers toward the batch holding a fetch offset. */
const WALK_CHUNK = 16 * 1024;
/** How many read ends a segment remembers (one per consumer reading it, roughly). */
const READ_ENDS = 16;

/**
 * Where fetches of one segment ended: the offset after the last batch a read returned, and the
 * file position after that batch. A consumer's next fetch asks for exactly that offset, so it
 * is served with one read of exactly the answer, without walking headers from the offset index.
 * A batch never moves while its segment is open (appends only add after the end, compaction
 * makes new segments, and only recovery, before any read, truncates), so an entry never goes
 * stale; whatever truncates a segment that has been read must clear its ReadEnds. A small ring,
 * oldest forgotten first.
 */
export class ReadEnds {
  private readonly offsets: bigint[] = [];
  private readonly positions: number[] = [];
  private next = 0;

  get(offset: bigint): number | undefined {
    const i = this.offsets.indexOf(offset);
    return i < 0 ? undefined : this.positions[i];
  }

  set(offset: bigint, position: number): void {
    if (this.offsets.includes(offset)) return;
    this.offsets[this.next] = offset;
    this.positions[this.next] = position;
    this.next = (this.next + 1) % READ_ENDS;
  }

  /** Forgets every end (the segment was truncated). */
  clear(): void {
    this.offsets.length = 0;
    this.positions.length = 0;
    this.next = 0;
  }
}

/**
 * Whole batches of a segment's `.log` from the batch holding `offset` (or the first after it), up
 * to `maxBytes` but at least that batch, and none past `maxPosition`: LogSegment.read's answer,
 * with asynchronous reads and no scanner. The batch is found from `ends` when a fetch ended there,
 * otherwise by walking batch headers from `indexPosition` (the offset index's) in reads of
 * WALK_CHUNK, jumping over batches without reading them; then the answer is read with one read of
 * exactly its bytes, unless the walk's last read already holds it. Undefined when the segment
 * has no batch ending at or after `offset` before `maxPosition`.
 */
export async function readBatchesAsync(
  records: FileRecords,
  ends: ReadEnds,
  indexPosition: number,
  offset: bigint,
  maxBytes: number,
  maxPosition: number,
): Promise<Buffer | undefined> {
  let position = ends.get(offset);
  let firstSize: number | undefined;
  let chunk: Buffer | undefined;
  let chunkStart = 0;
  if (position === undefined) {
    position = indexPosition;
    for (;;) {
      if (position + BATCH_HEADER_SIZE > maxPosition) return undefined;
      if (chunk === undefined || position + BATCH_HEADER_SIZE > chunkStart + chunk.length) {
        chunkStart = position;
        chunk = await records.readAsync(position, Math.min(WALK_CHUNK, maxPosition - position));
        if (chunk.length < BATCH_HEADER_SIZE) return undefined;
      }
      const at = position - chunkStart;
      const size = LOG_OVERHEAD + chunk.readInt32BE(at + BatchLayout.BATCH_LENGTH);
      // Bytes below the segment's size were checked when written or recovered; a length that
      // cannot be a batch's ends the read, as LogSegment.read's scanner stops there.
      if (size < BATCH_HEADER_SIZE) return undefined;
      const last =
        chunk.readBigInt64BE(at + BatchLayout.BASE_OFFSET) +
        BigInt(chunk.readInt32BE(at + BatchLayout.LAST_OFFSET_DELTA));
      if (last >= offset) {
        firstSize = size;
        break;
      }
      position += size;
    }
  }
  if (position + BATCH_HEADER_SIZE > maxPosition) return undefined;
  const available = maxPosition - position;
  const want = Math.min(available, Math.max(firstSize ?? BATCH_HEADER_SIZE, maxBytes));
  let bytes =
    chunk !== undefined && position + want <= chunkStart + chunk.length
      ? chunk.subarray(position - chunkStart, position - chunkStart + want)
      : await records.readAsync(position, want);
  if (bytes.length < BATCH_HEADER_SIZE) return undefined;
  const first = LOG_OVERHEAD + bytes.readInt32BE(BatchLayout.BATCH_LENGTH);
  if (first < BATCH_HEADER_SIZE) return undefined;
  // From the read ends, the first batch's size was not known: larger than maxBytes, it is read
  // whole (consumers must progress).
  if (first > bytes.length && first <= available) bytes = await records.readAsync(position, first);
  const { end, lastOffset } = wholeBatches(bytes);
  if (end === 0) return undefined;
  ends.set(lastOffset + 1n, position + end);
  return end === bytes.length ? bytes : bytes.subarray(0, end);
}

/** Where the last whole batch in `bytes` ends, and its last offset (walking length prefixes). */
function wholeBatches(bytes: Buffer): { end: number; lastOffset: bigint } {
  let end = 0;
  let lastStart = 0;
  while (end + LOG_OVERHEAD <= bytes.length) {
    const batchLength = bytes.readInt32BE(end + BatchLayout.BATCH_LENGTH);
    if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD || end + LOG_OVERHEAD + batchLength > bytes.length)
      break;
    lastStart = end;
    end += LOG_OVERHEAD + batchLength;
  }
  const lastOffset =
    end === 0
      ? -1n
      : bytes.readBigInt64BE(lastStart + BatchLayout.BASE_OFFSET) +
        BigInt(bytes.readInt32BE(lastStart + BatchLayout.LAST_OFFSET_DELTA));
  return { end, lastOffset };
}
