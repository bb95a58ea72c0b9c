import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, FindCoordinator, OffsetCommit, OffsetFetch } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

/** FindCoordinator v4 (KIP-699) and OffsetFetch v8 (KIP-709): one request, many keys or groups. */
describe('batched group lookups on the wire', () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeEach(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-groups-batched-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    client = await RawClient.connect(broker.port);
  });

  afterEach(async () => {
    client.close();
    await broker.close();
  });

  it('answers FindCoordinator v4 once per key, in request order', async () => {
    const groups = await client.request(FindCoordinator, 4, {
      keyType: 0,
      coordinatorKeys: ['billing', 'orders', 'audit'],
    });
    expect(groups.coordinators).toEqual(
      ['billing', 'orders', 'audit'].map((key) => ({
        key,
        nodeId: 1,
        host: '127.0.0.1',
        port: broker.port,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
      })),
    );

    const transactions = await client.request(FindCoordinator, 4, {
      keyType: 1,
      coordinatorKeys: ['tx-1', 'tx-2'],
    });
    expect(
      transactions.coordinators.map(({ key, nodeId, errorCode }) => ({ key, nodeId, errorCode })),
    ).toEqual([
      { key: 'tx-1', nodeId: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE },
      { key: 'tx-2', nodeId: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE },
    ]);

    const unknownType = await client.request(FindCoordinator, 4, { keyType: 7, coordinatorKeys: ['x'] });
    expect(unknownType.coordinators[0]).toMatchObject({ key: 'x', errorCode: ErrorCode.INVALID_REQUEST });
  });

  it('answers OffsetFetch v8 per group: its offsets, all of them for null topics, nothing for a group without commits', async () => {
    await createTopic(client, 'events', 2);
    for (const [groupId, offsets] of [
      ['billing', [11n, 4n]],
      ['audit', [7n, 0n]],
    ] as const) {
      const committed = await client.request(OffsetCommit, 8, {
        groupId,
        generationId: -1,
        memberId: '',
        topics: [
          {
            name: 'events',
            partitions: offsets.map((committedOffset, partitionIndex) => ({
              partitionIndex,
              committedOffset,
              committedMetadata: `${groupId}-${partitionIndex}`,
            })),
          },
        ],
      });
      expect(committed.topics[0]?.partitions.map((p) => p.errorCode)).toEqual([
        ErrorCode.NONE,
        ErrorCode.NONE,
      ]);
    }

    const fetched = await client.request(OffsetFetch, 8, {
      groups: [
        { groupId: 'billing', topics: [{ name: 'events', partitionIndexes: [1] }] },
        { groupId: 'audit', topics: null },
        { groupId: 'nobody', topics: [{ name: 'events', partitionIndexes: [0] }] },
      ],
    });
    const summary = fetched.groups.map(({ groupId, errorCode, topics }) => ({
      groupId,
      errorCode,
      offsets: topics.flatMap(({ name, partitions }) =>
        partitions.map(({ partitionIndex, committedOffset, metadata }) => [
          name,
          partitionIndex,
          committedOffset,
          metadata,
        ]),
      ),
    }));
    expect(summary).toEqual([
      { groupId: 'billing', errorCode: ErrorCode.NONE, offsets: [['events', 1, 4n, 'billing-1']] },
      {
        groupId: 'audit',
        errorCode: ErrorCode.NONE,
        offsets: [
          ['events', 0, 7n, 'audit-0'],
          ['events', 1, 0n, 'audit-1'],
        ],
      },
      { groupId: 'nobody', errorCode: ErrorCode.NONE, offsets: [['events', 0, -1n, '']] },
    ]);
  });
});
