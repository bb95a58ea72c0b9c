import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { partitionDirName } from '@runnel/log-store';
import {
  DeleteRecords,
  encodeRecordBatch,
  Produce,
  patchBaseOffset,
  type RecordBatchInput,
} from '@runnel/protocol';
import type { RawClient } from '../support/raw-client.js';

/**
 * Topics and records for the fetch-path tests, made through the broker as clients make them:
 * CreateTopics, Produce (acks 1) and DeleteRecords requests on a RawClient.
 */

/** One produced batch as the log stores it: the bytes sent with the assigned base offset patched in. */
export interface StoredBatch {
  readonly bytes: Buffer;
  readonly baseOffset: bigint;
}

/** Produces each batch in its own Produce v7 request (acks 1), in order; fails on any error code. */
export async function produce(
  client: RawClient,
  topic: string,
  partition: number,
  ...batches: RecordBatchInput[]
): Promise<StoredBatch[]> {
  const stored: StoredBatch[] = [];
  for (const batch of batches) {
    const bytes = await encodeRecordBatch(batch);
    const response = await client.request(Produce, 7, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: partition, records: bytes }] }],
    });
    const { errorCode, baseOffset } = response.responses[0]!.partitionResponses[0]!;
    if (errorCode !== 0) throw new Error(`Produce to ${topic}-${partition}: error code ${errorCode}`);
    patchBaseOffset(bytes, baseOffset);
    stored.push({ bytes, baseOffset });
  }
  return stored;
}

/** Moves a partition's log start offset up to `offset` (DeleteRecords v1); fails on any error code. */
export async function deleteRecordsBefore(
  client: RawClient,
  topic: string,
  partition: number,
  offset: bigint,
): Promise<void> {
  const response = await client.request(DeleteRecords, 1, {
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, offset }] }],
    timeoutMs: 5000,
  });
  const { errorCode } = response.topics[0]!.partitions[0]!;
  if (errorCode !== 0) throw new Error(`DeleteRecords ${topic}-${partition}: error code ${errorCode}`);
}

/** `count` records `<prefix>-<i>` (value) keyed `k<i>`, timestamps `firstTimestamp + i`. */
export function numberedRecords(prefix: string, count: number, firstTimestamp: number): RecordBatchInput {
  return {
    records: Array.from({ length: count }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`${prefix}-${i}`),
      timestamp: firstTimestamp + i,
    })),
  };
}

/**
 * Puts a directory where the partition's first segment file is, while no broker runs on
 * `dataDir`: the next broker started there cannot open that log and keeps the partition offline.
 */
export function makeUnopenable(dataDir: string, topic: string, partition: number): void {
  const segment = join(dataDir, partitionDirName(topic, partition), '00000000000000000000.log');
  rmSync(segment);
  mkdirSync(segment);
}
