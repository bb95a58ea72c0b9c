import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  Fetch,
  type InputOf,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { numberedRecords, produce, type StoredBatch } from './fetch-support/topic-data.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

const T0 = Date.now() - 60_000;

type FetchResponse = ResponseOf<typeof Fetch>;

/**
 * The body as the handler built it: decoding fills v12's tagged fields (divergingEpoch,
 * currentLeader, snapshotId) with default structs, which an encoder given them would send; the
 * handler leaves them unset. Fails if one is not at its default.
 */
function unsetTagged(body: FetchResponse): InputOf<FetchResponse> {
  return {
    ...body,
    responses: body.responses.map((topic) => ({
      ...topic,
      partitions: topic.partitions.map(({ divergingEpoch, currentLeader, snapshotId, ...partition }) => {
        expect([divergingEpoch, currentLeader, snapshotId]).toEqual([
          { epoch: -1, endOffset: -1n },
          { leaderId: -1, leaderEpoch: -1 },
          { endOffset: -1n, epoch: -1 },
        ]);
        return partition;
      }),
    })),
  };
}

/**
 * The broker writes a Fetch response as a list of buffers (fields, then each partition's record
 * bytes by reference). These tests read the frames off a real socket and hold them against what
 * the whole-frame encoder (encodeResponseFrame, which the broker used before) makes of the same
 * body, at every version served, over partitions with records, empty ones, errors and limits.
 */
describe('Fetch response bytes', () => {
  let broker: RunningBroker;
  let client: RawClient;
  /** Per partition of `bytes`, its batches as stored. */
  const stored: StoredBatch[][] = [];

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-fetch-bytes-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    client = await RawClient.connect(broker.port);
    await createTopic(client, 'bytes', 3);
    for (let partition = 0; partition < 3; partition++) {
      const batches: StoredBatch[] = [];
      for (let i = 0; i < 4 + partition; i++) {
        const records = numberedRecords(`p${partition}b${i}`, 1 + ((i * 7 + partition) % 30), T0);
        batches.push(...(await produce(client, 'bytes', partition, records)));
      }
      stored.push(batches);
    }
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  function fetchRequest(
    partitions: { partition: number; fetchOffset: bigint; partitionMaxBytes: number }[],
    maxBytes = 50 * 1024 * 1024,
  ): InputOf<RequestOf<typeof Fetch>> {
    return {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        { topic: 'bytes', partitions },
        { topic: 'no-such-topic', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1000 }] },
      ],
      forgottenTopicsData: [],
      rackId: '',
    };
  }

  /** Sends a Fetch and returns the response frame exactly as it arrived, without its size. */
  async function rawFetch(version: number, correlationId: number, body: InputOf<RequestOf<typeof Fetch>>) {
    client.write(encodeRequestFrame(Fetch, version, { correlationId, clientId: 'bytes-test' }, body));
    const frame = await client.nextFrame();
    if (!frame) throw new Error('the broker closed the connection');
    return frame;
  }

  const concat = (batches: StoredBatch[]) => Buffer.concat(batches.map((b) => b.bytes));

  it.each([4, 5, 6, 7, 8, 9, 10, 11, 12])(
    'v%i: the frame is the whole-frame encoding of its body, with the log bytes as stored',
    async (version) => {
      const requests = [
        // Everything, from the start of each partition.
        fetchRequest(
          stored.map((_, partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20 })),
        ),
        // From the middle of a batch, at the end of a log, past the end.
        fetchRequest([
          { partition: 0, fetchOffset: stored[0]![1]!.baseOffset + 1n, partitionMaxBytes: 1 << 20 },
          { partition: 1, fetchOffset: stored[1]!.at(-1)!.baseOffset + 1000n, partitionMaxBytes: 1 << 20 },
          { partition: 2, fetchOffset: 10_000n, partitionMaxBytes: 1 << 20 },
        ]),
        // Limits: a partition cut at whole batches, and maxBytes used up after the first.
        fetchRequest(
          stored.map((batches, partition) => ({
            partition,
            fetchOffset: 0n,
            partitionMaxBytes: batches[0]!.bytes.length + batches[1]!.bytes.length + 1,
          })),
          stored[0]![0]!.bytes.length + stored[0]![1]!.bytes.length + 10,
        ),
      ];
      for (const [i, request] of requests.entries()) {
        const correlationId = version * 100 + i;
        const frame = await rawFetch(version, correlationId, request);
        const { body } = decodeResponseFrame(Fetch, version, frame);
        expect(
          frame.equals(encodeResponseFrame(Fetch, version, correlationId, unsetTagged(body)).subarray(4)),
        ).toBe(true);
        if (i === 0) {
          const partitions = body.responses[0]!.partitions;
          for (const [partition, batches] of stored.entries()) {
            expect(partitions[partition]!.records!.equals(concat(batches))).toBe(true);
          }
          expect(body.responses[1]!.partitions[0]!.errorCode).toBe(3);
        }
        if (i === 2) {
          const [first, second, third] = body.responses[0]!.partitions;
          expect(first!.records!.equals(concat(stored[0]!.slice(0, 2)))).toBe(true);
          expect(second!.records!.length).toBe(0);
          expect(third!.records!.length).toBe(0);
        }
      }
    },
  );
});
