import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBatchHeader } from '@runnel/protocol';
import type { PartitionLog } from '../partition-log.js';

/**
 * What a crash at this instant leaves on disk: a copy of the log's directory taken while the log
 * is open, without a clean shutdown. (A process crash keeps the page cache, so the files' current
 * contents are what the next start finds; damage is added on top by the test.)
 */
export function crashImage(log: PartitionLog, into: string): string {
  cpSync(log.dir, into, { recursive: true });
  return into;
}

export interface BatchOnDisk {
  /** The `.log` file name. */
  file: string;
  position: number;
  size: number;
  baseOffset: bigint;
  lastOffset: bigint;
}

/** Every batch of every `.log` file in `dir`, in file then position order. */
export function batchesOnDisk(dir: string): BatchOnDisk[] {
  const out: BatchOnDisk[] = [];
  for (const file of readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .sort()) {
    const bytes = readFileSync(join(dir, file));
    for (let position = 0; position < bytes.length; ) {
      const header = readBatchHeader(bytes, position);
      out.push({
        file,
        position,
        size: header.sizeInBytes,
        baseOffset: header.baseOffset,
        lastOffset: header.baseOffset + BigInt(header.lastOffsetDelta),
      });
      position += header.sizeInBytes;
    }
  }
  return out;
}
