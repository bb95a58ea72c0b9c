import { dirname } from 'node:path';
import { crc32c } from '@runnel/protocol';
import { parseProducerSnapshotFileName, producerSnapshotFile } from './log-file-names.js';
import type { BatchMetadata, ProducerEntry } from './producer-state-manager.js';
import {
  closeFile,
  deleteFile,
  fileSize,
  listDir,
  openFile,
  readAt,
  renameFile,
  syncDir,
  syncFile,
  truncateFile,
  writeAt,
} from './storage-io.js';

const VERSION = 1;
/** version int16, crc uint32, producer count int32. */
const HEADER_SIZE = 10;
const CRC_AT = 2;
/** producerId int64, epoch int16, lastTimestamp int64, batch count int32. */
const PRODUCER_SIZE = 22;
/** firstSequence int32, lastSequence int32, firstOffset int64, lastOffset int64. */
const BATCH_SIZE = 24;

/** One step of writing a snapshot, in order; a crash between two leaves the files `ProducerStateSnapshot.write` describes. */
export type SnapshotWriteStep = () => void;

/**
 * The `<offset>.snapshot` files of a partition directory (Kafka's ProducerStateManager snapshot
 * files): the idempotent-producer state of every batch below `offset`, so that recovery replays
 * only the batches from `offset` on. Big-endian binary, version 1:
 *
 * | size | field |
 * |-----:|-------|
 * | 2 | version (1) |
 * | 4 | CRC-32C of every byte after this field |
 * | 4 | producer count |
 * |   | per producer: producerId int64, epoch int16, lastTimestamp int64 (ms), batch count int32, |
 * |   | then per batch (oldest first, at most 5): firstSequence int32, lastSequence int32, firstOffset int64, lastOffset int64 |
 *
 * Unlike Kafka's (which keeps each producer's last batch only), every remembered batch is kept,
 * so a restart recognises the same retries as the running broker did.
 *
 * Written at each segment roll (offset = the new segment's base offset) and at clean shutdown
 * (offset = logEndOffset), in four steps: write `<offset>.snapshot.tmp`, fsync it, rename it to
 * `<offset>.snapshot`, fsync the directory. A crash before the rename leaves a `.tmp` file, which
 * the next open deletes, and the previous snapshots; after it, the new snapshot is whole. A file
 * whose CRC or layout is wrong reads as corrupt (`read` returns a reason), and the loader then
 * falls back to an older snapshot or a scan of the log.
 */
export class ProducerStateSnapshot {
  /** Writes the snapshot of `producers` at `offset` (see the class comment for the steps). */
  static write(dir: string, offset: bigint, producers: Iterable<[bigint, Readonly<ProducerEntry>]>): void {
    for (const step of ProducerStateSnapshot.writeSteps(dir, offset, producers)) step();
  }

  /** The steps of `write`, for tests that stop between them as a crash would. */
  static writeSteps(
    dir: string,
    offset: bigint,
    producers: Iterable<[bigint, Readonly<ProducerEntry>]>,
  ): SnapshotWriteStep[] {
    const bytes = encode(producers);
    const temp = producerSnapshotFile(dir, offset, true);
    let fd: number | undefined;
    return [
      () => {
        fd = openFile(temp, true);
        truncateFile(fd, temp, 0);
        writeAt(fd, temp, bytes, 0, bytes.length, 0);
      },
      () => {
        syncFile(fd!, temp);
        closeFile(fd!, temp);
      },
      () => renameFile(temp, producerSnapshotFile(dir, offset)),
      () => syncDir(dirname(temp)),
    ];
  }

  /** The producers of snapshot file `path`, or why it cannot be used. */
  static read(path: string): { producers: [bigint, ProducerEntry][] } | { corrupt: string } {
    const fd = openFile(path, false);
    let bytes: Buffer;
    try {
      const size = fileSize(fd, path);
      bytes = Buffer.allocUnsafe(size);
      readAt(fd, path, bytes, 0, size, 0);
    } finally {
      closeFile(fd, path);
    }
    return decode(bytes);
  }

  /** Offsets of the snapshots in `dir`, oldest first (temporary files not included). */
  static offsets(dir: string): bigint[] {
    const offsets: bigint[] = [];
    for (const name of listDir(dir)) {
      const parsed = parseProducerSnapshotFileName(name);
      if (parsed !== undefined && !parsed.temporary) offsets.push(parsed.offset);
    }
    return offsets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Removes `.snapshot.tmp` files: snapshots a crash interrupted before their rename. */
  static deleteTemporaryFiles(dir: string): void {
    for (const name of listDir(dir)) {
      const parsed = parseProducerSnapshotFileName(name);
      if (parsed?.temporary) deleteFile(producerSnapshotFile(dir, parsed.offset, true));
    }
  }

  /** Deletes the snapshot of `offset`. */
  static delete(dir: string, offset: bigint): void {
    deleteFile(producerSnapshotFile(dir, offset));
  }
}

function encode(producers: Iterable<[bigint, Readonly<ProducerEntry>]>): Buffer {
  const list = [...producers];
  const size = list.reduce(
    (sum, [, entry]) => sum + PRODUCER_SIZE + entry.batches.length * BATCH_SIZE,
    HEADER_SIZE,
  );
  const buf = Buffer.alloc(size);
  buf.writeInt16BE(VERSION, 0);
  buf.writeInt32BE(list.length, 6);
  let at = HEADER_SIZE;
  for (const [producerId, entry] of list) {
    buf.writeBigInt64BE(producerId, at);
    buf.writeInt16BE(entry.epoch, at + 8);
    buf.writeBigInt64BE(BigInt(entry.lastTimestamp), at + 10);
    buf.writeInt32BE(entry.batches.length, at + 18);
    at += PRODUCER_SIZE;
    for (const batch of entry.batches) {
      buf.writeInt32BE(batch.firstSequence, at);
      buf.writeInt32BE(batch.lastSequence, at + 4);
      buf.writeBigInt64BE(batch.firstOffset, at + 8);
      buf.writeBigInt64BE(batch.lastOffset, at + 16);
      at += BATCH_SIZE;
    }
  }
  buf.writeUInt32BE(crc32c(buf.subarray(CRC_AT + 4)), CRC_AT);
  return buf;
}

function decode(buf: Buffer): { producers: [bigint, ProducerEntry][] } | { corrupt: string } {
  if (buf.length < HEADER_SIZE) return { corrupt: `${buf.length} bytes are less than a snapshot header` };
  const version = buf.readInt16BE(0);
  if (version !== VERSION) return { corrupt: `version ${version} is not ${VERSION}` };
  const stored = buf.readUInt32BE(CRC_AT);
  const computed = crc32c(buf.subarray(CRC_AT + 4));
  if (stored !== computed) {
    return {
      corrupt: `stored CRC ${stored.toString(16)} does not match ${computed.toString(16)} computed over ${buf.length} bytes`,
    };
  }
  const count = buf.readInt32BE(6);
  const producers: [bigint, ProducerEntry][] = [];
  let at = HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (at + PRODUCER_SIZE > buf.length) return { corrupt: `producer ${i} of ${count} is cut short` };
    const producerId = buf.readBigInt64BE(at);
    const epoch = buf.readInt16BE(at + 8);
    const lastTimestamp = Number(buf.readBigInt64BE(at + 10));
    const batchCount = buf.readInt32BE(at + 18);
    at += PRODUCER_SIZE;
    if (batchCount < 0 || at + batchCount * BATCH_SIZE > buf.length) {
      return { corrupt: `producer ${producerId} has ${batchCount} batches, more than the file holds` };
    }
    const batches: BatchMetadata[] = [];
    for (let b = 0; b < batchCount; b++, at += BATCH_SIZE) {
      batches.push({
        firstSequence: buf.readInt32BE(at),
        lastSequence: buf.readInt32BE(at + 4),
        firstOffset: buf.readBigInt64BE(at + 8),
        lastOffset: buf.readBigInt64BE(at + 16),
      });
    }
    producers.push([producerId, { epoch, batches, lastTimestamp }]);
  }
  if (at !== buf.length) return { corrupt: `${buf.length - at} bytes follow the last producer` };
  return { producers };
}
