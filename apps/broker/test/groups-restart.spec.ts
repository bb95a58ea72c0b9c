import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, FindCoordinator, ListGroups, OffsetCommit, OffsetFetch } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

async function withBroker<T>(
  dataDir: string,
  use: (client: RawClient, broker: RunningBroker) => Promise<T>,
): Promise<T> {
  const broker = await startBroker({
    port: 0,
    httpPort: -1,
    dataDir,
    logger: false,
    offsetsTopicNumPartitions: 5,
  });
  const client = await RawClient.connect(broker.port);
  try {
    return await use(client, broker);
  } finally {
    client.close();
    await broker.close();
  }
}

const fetchBoth = { groupId: 'ledger-readers', topics: [{ name: 'ledger', partitionIndexes: [0, 1, 2] }] };

describe('committed offsets across a restart', () => {
  it('answers OffsetFetch with the offsets committed before the broker was closed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-groups-restart-'));
    await withBroker(dataDir, async (client, broker) => {
      await createTopic(client, 'ledger', 3);
      const coordinator = await client.request(FindCoordinator, 1, { key: 'ledger-readers', keyType: 0 });
      expect(coordinator).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: 1, port: broker.port });
      const commit = await client.request(OffsetCommit, 2, {
        groupId: 'ledger-readers',
        generationId: -1,
        memberId: '',
        retentionTimeMs: -1n,
        topics: [
          {
            name: 'ledger',
            partitions: [
              { partitionIndex: 0, committedOffset: 42n, committedMetadata: 'checkpoint-a' },
              { partitionIndex: 2, committedOffset: 7n, committedMetadata: null },
            ],
          },
        ],
      });
      expect(commit.topics[0]?.partitions.map((p) => p.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
      // Overwritten: only the newest commit of a partition counts after the replay.
      await client.request(OffsetCommit, 0, {
        groupId: 'ledger-readers',
        topics: [
          {
            name: 'ledger',
            partitions: [{ partitionIndex: 0, committedOffset: 43n, committedMetadata: 'checkpoint-b' }],
          },
        ],
      });
    });

    await withBroker(dataDir, async (client) => {
      const fetched = await client.request(OffsetFetch, 1, fetchBoth);
      expect(fetched.topics[0]?.partitions).toEqual([
        {
          partitionIndex: 0,
          committedOffset: 43n,
          committedLeaderEpoch: -1,
          metadata: 'checkpoint-b',
          errorCode: 0,
        },
        { partitionIndex: 1, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
        { partitionIndex: 2, committedOffset: 7n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
      ]);
      const all = await client.request(OffsetFetch, 5, { groupId: 'ledger-readers', topics: null });
      expect(all.errorCode).toBe(ErrorCode.NONE);
      expect(
        all.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset])),
      ).toEqual(
        expect.arrayContaining([
          ['ledger', 0, 43n],
          ['ledger', 2, 7n],
        ]),
      );
      const listed = await client.request(ListGroups, 2, {});
      expect(listed.groups).toEqual([{ groupId: 'ledger-readers', protocolType: '' }]);
    });
  });
});
