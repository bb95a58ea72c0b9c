import type { RawClient } from '../support/raw-client.js';
import { createTopic } from '../support/topics.js';
import { deleteRecordsBefore, numberedRecords, produce, type StoredBatch } from './topic-data.js';

/**
 * The topics the Fetch and ListOffsets suites read, made once here so that the Node-only suites
 * and their `*.compat.spec.ts` counterparts (kcat, kafka-python) read the same records.
 * Timestamps are counted from `t0`.
 */

/**
 * Creates letters (one partition) holding batches of 3, 2 and 1 records: offsets 0-2 (`a-<i>`,
 * keys k0-k2, the first with header trace=t-1, timestamps t0 + i), 3-4 (`b-<i>`, t0 + 10 + i)
 * and 5 (`c-0`, t0 + 20).
 */
export async function createLetters(client: RawClient, t0: number): Promise<StoredBatch[]> {
  await createTopic(client, 'letters', 1);
  return produce(
    client,
    'letters',
    0,
    {
      records: [
        {
          key: Buffer.from('k0'),
          value: Buffer.from('a-0'),
          headers: [{ key: 'trace', value: Buffer.from('t-1') }],
          timestamp: t0,
        },
        { key: Buffer.from('k1'), value: Buffer.from('a-1'), timestamp: t0 + 1 },
        { key: Buffer.from('k2'), value: Buffer.from('a-2'), timestamp: t0 + 2 },
      ],
    },
    numberedRecords('b', 2, t0 + 10),
    numberedRecords('c', 1, t0 + 20),
  );
}

/**
 * Creates timed (one partition, segment.bytes 150) holding four batches of three records, batch i
 * at timestamps t0 + 100i + (0, 1, 2), each batch alone in its segment, then deletes the records
 * before offset 3: offsets 3-11 are left, log start 3, high watermark 12, segment edges 5 | 6 and
 * 8 | 9. Returns the four batches as produced.
 */
export async function createTimed(client: RawClient, t0: number): Promise<StoredBatch[]> {
  await createTopic(client, 'timed', 1, { 'segment.bytes': '150' });
  const batches = [0, 1, 2, 3].map((i) => numberedRecords(`s${i}`, 3, t0 + 100 * i));
  const stored = await produce(client, 'timed', 0, ...batches);
  await deleteRecordsBefore(client, 'timed', 0, 3n);
  return stored;
}
