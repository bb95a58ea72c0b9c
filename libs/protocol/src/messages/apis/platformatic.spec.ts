import { encodeRecordBatch } from '../../records/record-batch.js';
import { decode, encode } from '../codec.js';
import { CreateTopics } from './create-topics.js';
import { Fetch } from './fetch.js';
import { FindCoordinator } from './find-coordinator.js';
import { Heartbeat } from './heartbeat.js';
import { InitProducerId } from './init-producer-id.js';
import { JoinGroup } from './join-group.js';
import { LeaveGroup } from './leave-group.js';
import { Metadata } from './metadata.js';
import { OffsetCommit } from './offset-commit.js';
import { OffsetFetch } from './offset-fetch.js';
import { SyncGroup } from './sync-group.js';
import { encodeWithPlatformatic, parseWithPlatformatic } from './test-support/platformatic.js';

/**
 * The flexible versions @platformatic/kafka 1.35 needs (it implements nothing older), held
 * against its own encoders and parsers: our request bytes equal the bytes it writes, and it reads
 * our responses as we meant them.
 */
describe('against @platformatic/kafka', () => {
  it('writes the Metadata v9 request it writes, and it parses our v9 response', () => {
    const ours = encode(Metadata.request, 9, {
      topics: [{ name: 'orders' }, { name: 'payments' }],
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: false,
    });
    expect(ours.toString('hex')).toBe(
      encodeWithPlatformatic('metadataV9', ['orders', 'payments'], true, false).toString('hex'),
    );
    const response = encode(Metadata.response, 9, {
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'cluster-7',
      controllerId: 1,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
          ],
        },
      ],
    });
    expect(parseWithPlatformatic('metadataV9', 3, 9, response)).toMatchObject({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'cluster-7',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [{ partitionIndex: 0, leaderId: 1, leaderEpoch: -1, replicaNodes: [1], isrNodes: [1] }],
        },
      ],
    });
  });

  it('writes the InitProducerId v3 request it writes, and it parses our v3 response', () => {
    const request = { transactionalId: null, transactionTimeoutMs: 60000, producerId: 42n, producerEpoch: 3 };
    expect(encode(InitProducerId.request, 3, request).toString('hex')).toBe(
      encodeWithPlatformatic('initProducerIdV3', null, 60000, 42n, 3).toString('hex'),
    );
    const response = encode(InitProducerId.response, 3, { producerId: 1000n, producerEpoch: 0 });
    expect(parseWithPlatformatic('initProducerIdV3', 22, 3, response)).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      producerId: 1000n,
      producerEpoch: 0,
    });
  });

  it('writes the CreateTopics v7 request it writes, and it parses our v7 response', () => {
    const topic = {
      name: 'orders',
      numPartitions: 3,
      replicationFactor: 1,
      assignments: [{ partitionIndex: 0, brokerIds: [1] }],
      configs: [{ name: 'cleanup.policy', value: 'compact' }],
    };
    expect(encode(CreateTopics.request, 7, { topics: [topic], timeoutMs: 5000 }).toString('hex')).toBe(
      encodeWithPlatformatic('createTopicsV7', [topic], 5000, false).toString('hex'),
    );
    const response = encode(CreateTopics.response, 7, {
      topics: [
        {
          name: 'orders',
          numPartitions: 3,
          replicationFactor: 1,
          configs: [
            {
              name: 'cleanup.policy',
              value: 'compact',
              readOnly: false,
              configSource: 1,
              isSensitive: false,
            },
          ],
        },
      ],
    });
    expect(parseWithPlatformatic('createTopicsV7', 19, 7, response)).toMatchObject({
      topics: [
        {
          name: 'orders',
          topicId: '00000000-0000-0000-0000-000000000000',
          errorCode: 0,
          numPartitions: 3,
          replicationFactor: 1,
          configs: [
            {
              name: 'cleanup.policy',
              value: 'compact',
              readOnly: false,
              configSource: 1,
              isSensitive: false,
            },
          ],
        },
      ],
    });
  });

  it('writes the Fetch v12 request it writes, and it reads the records of our v12 response', async () => {
    const partition = { partition: 2, currentLeaderEpoch: 0, fetchOffset: 5n, lastFetchedEpoch: 0 };
    const ours = encode(Fetch.request, 12, {
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52428800,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        { topic: 'orders', partitions: [{ ...partition, logStartOffset: -1n, partitionMaxBytes: 1048576 }] },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
    const theirs = encodeWithPlatformatic(
      'fetchV12',
      500,
      1,
      52428800,
      0,
      0,
      -1,
      [{ topicId: 'orders', partitions: [{ ...partition, partitionMaxBytes: 1048576 }] }],
      [],
      '',
    );
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));

    const records = await encodeRecordBatch({
      baseOffset: 5n,
      baseTimestamp: 1_700_000_000_000n,
      records: [
        {
          key: Buffer.from('k1'),
          value: Buffer.from('v1'),
          headers: [{ key: 'source', value: Buffer.from('web') }],
        },
        { key: null, value: Buffer.from('v2') },
      ],
    });
    const response = encode(Fetch.response, 12, {
      responses: [
        {
          topic: 'orders',
          partitions: [
            {
              partitionIndex: 2,
              highWatermark: 7n,
              lastStableOffset: 7n,
              logStartOffset: 0n,
              abortedTransactions: [],
              records,
            },
          ],
        },
      ],
    });
    const parsed = parseWithPlatformatic('fetchV12', 1, 12, response) as {
      responses: {
        topicId: string;
        partitions: {
          partitionIndex: number;
          highWatermark: bigint;
          records: {
            firstOffset: bigint;
            records: { key: Buffer | null; value: Buffer; headers: Buffer[][] }[];
          }[];
        }[];
      }[];
    };
    const [fetched] = parsed.responses[0]?.partitions ?? [];
    expect(parsed.responses[0]?.topicId).toBe('orders');
    expect(fetched).toMatchObject({ partitionIndex: 2, highWatermark: 7n });
    expect(fetched?.records.map((batch) => batch.firstOffset)).toEqual([5n]);
    expect(
      fetched?.records[0]?.records.map(({ key, value, headers }) => [
        key?.toString() ?? null,
        value.toString(),
        headers.map(([name, headerValue]) => `${name}=${headerValue}`),
      ]),
    ).toEqual([
      ['k1', 'v1', ['source=web']],
      [null, 'v2', []],
    ]);
  });

  it('writes the batched FindCoordinator v4 request it writes, and it parses our v4 response', () => {
    expect(
      encode(FindCoordinator.request, 4, { keyType: 0, coordinatorKeys: ['billing', 'audit'] }).toString(
        'hex',
      ),
    ).toBe(encodeWithPlatformatic('findCoordinatorV4', 0, ['billing', 'audit']).toString('hex'));
    const coordinators = [
      { key: 'billing', nodeId: 1, host: '127.0.0.1', port: 9092, errorCode: 0, errorMessage: null },
      { key: 'audit', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'not available' },
    ];
    const response = encode(FindCoordinator.response, 4, { coordinators });
    expect(parseWithPlatformatic('findCoordinatorV4', 10, 4, response)).toEqual({
      throttleTimeMs: 0,
      coordinators,
    });
  });

  it('writes the batched OffsetFetch v8 request it writes, and it parses our v8 response', () => {
    const groups = [
      { groupId: 'billing', topics: [{ name: 'orders', partitionIndexes: [0, 2] }] },
      { groupId: 'audit', topics: [] },
    ];
    expect(encode(OffsetFetch.request, 8, { groups, requireStable: true }).toString('hex')).toBe(
      encodeWithPlatformatic('offsetFetchV8', groups, true).toString('hex'),
    );
    const answered = [
      {
        groupId: 'billing',
        topics: [
          {
            name: 'orders',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 12n,
                committedLeaderEpoch: 0,
                metadata: 'm',
                errorCode: 0,
              },
              {
                partitionIndex: 2,
                committedOffset: -1n,
                committedLeaderEpoch: -1,
                metadata: '',
                errorCode: 0,
              },
            ],
          },
        ],
        errorCode: 0,
      },
      { groupId: 'audit', topics: [], errorCode: 0 },
    ];
    const response = encode(OffsetFetch.response, 8, { groups: answered });
    expect(parseWithPlatformatic('offsetFetchV8', 9, 8, response)).toEqual({
      throttleTimeMs: 0,
      groups: answered,
    });
  });

  it('writes the group requests it writes: JoinGroup v6, SyncGroup v4, Heartbeat v4, LeaveGroup v4, OffsetCommit v8', () => {
    const metadata = Buffer.from('subscription');
    const assignment = Buffer.from('assignment');
    const cases: [Buffer, Buffer][] = [
      [
        encode(JoinGroup.request, 6, {
          groupId: 'billing',
          sessionTimeoutMs: 10000,
          rebalanceTimeoutMs: 30000,
          memberId: 'member-1',
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata }],
        }),
        encodeWithPlatformatic('joinGroupV6', 'billing', 10000, 30000, 'member-1', null, 'consumer', [
          { name: 'range', metadata },
        ]),
      ],
      [
        encode(SyncGroup.request, 4, {
          groupId: 'billing',
          generationId: 2,
          memberId: 'member-1',
          groupInstanceId: 'static-1',
          assignments: [{ memberId: 'member-1', assignment }],
        }),
        encodeWithPlatformatic('syncGroupV4', 'billing', 2, 'member-1', 'static-1', null, null, [
          { memberId: 'member-1', assignment },
        ]),
      ],
      [
        encode(Heartbeat.request, 4, {
          groupId: 'billing',
          generationId: 2,
          memberId: 'member-1',
          groupInstanceId: null,
        }),
        encodeWithPlatformatic('heartbeatV4', 'billing', 2, 'member-1', null),
      ],
      [
        encode(LeaveGroup.request, 4, {
          groupId: 'billing',
          members: [{ memberId: 'member-1', groupInstanceId: null }],
        }),
        encodeWithPlatformatic('leaveGroupV4', 'billing', [{ memberId: 'member-1', groupInstanceId: null }]),
      ],
    ];
    const committed = [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 1, committedOffset: 12n, committedLeaderEpoch: 0, committedMetadata: null },
        ],
      },
    ];
    cases.push([
      encode(OffsetCommit.request, 8, {
        groupId: 'billing',
        generationId: 2,
        memberId: 'member-1',
        groupInstanceId: null,
        topics: committed,
      }),
      encodeWithPlatformatic('offsetCommitV8', 'billing', 2, 'member-1', null, committed),
    ]);
    for (const [ours, theirs] of cases) expect(ours.toString('hex')).toBe(theirs.toString('hex'));
  });

  it('parses our group responses: JoinGroup v6, SyncGroup v4, OffsetCommit v8', () => {
    const join = encode(JoinGroup.response, 6, {
      generationId: 2,
      protocolName: 'range',
      leader: 'member-1',
      memberId: 'member-1',
      members: [{ memberId: 'member-1', groupInstanceId: null, metadata: Buffer.from('subscription') }],
    });
    expect(parseWithPlatformatic('joinGroupV6', 11, 6, join)).toMatchObject({
      errorCode: 0,
      generationId: 2,
      protocolName: 'range',
      leader: 'member-1',
      memberId: 'member-1',
      members: [{ memberId: 'member-1', groupInstanceId: null, metadata: Buffer.from('subscription') }],
    });
    const sync = encode(SyncGroup.response, 4, { assignment: Buffer.from('assignment') });
    expect(parseWithPlatformatic('syncGroupV4', 14, 4, sync)).toMatchObject({
      errorCode: 0,
      assignment: Buffer.from('assignment'),
    });
    const commit = encode(OffsetCommit.response, 8, {
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, errorCode: 22 }] }],
    });
    expect(parseWithPlatformatic('offsetCommitV8', 8, 8, commit)).toMatchObject({
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, errorCode: 22 }] }],
    });
    // And we read back what it would send.
    expect(
      decode(
        Heartbeat.request,
        4,
        encodeWithPlatformatic('heartbeatV4', 'billing', 2, 'member-1', 'static-1'),
      ),
    ).toEqual({ groupId: 'billing', generationId: 2, memberId: 'member-1', groupInstanceId: 'static-1' });
  });
});
