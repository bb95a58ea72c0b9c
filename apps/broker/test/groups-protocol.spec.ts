import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeGroups,
  ErrorCode,
  FindCoordinator,
  Heartbeat,
  JoinGroup,
  LeaveGroup,
  OffsetCommit,
  OffsetFetch,
  SyncGroup,
} from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

const protocols = [{ name: 'range', metadata: Buffer.from('subscription') }];

describe('group APIs on the wire', () => {
  let broker: RunningBroker;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-groups-protocol-'));
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir,
      logger: false,
      groupInitialRebalanceDelayMs: 0,
    });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await broker.close();
  });

  async function connect(): Promise<RawClient> {
    const client = await RawClient.connect(broker.port);
    clients.push(client);
    return client;
  }

  it('finds this broker as every group coordinator and no transaction coordinator', async () => {
    const client = await connect();
    expect(await client.request(FindCoordinator, 0, { key: 'any-group' })).toMatchObject({
      errorCode: ErrorCode.NONE,
      nodeId: 1,
      host: '127.0.0.1',
      port: broker.port,
    });
    expect(await client.request(FindCoordinator, 2, { key: 'tx-1', keyType: 1 })).toMatchObject({
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: expect.any(String),
      nodeId: -1,
    });
  });

  it('runs a v0 member through join, sync, heartbeat, commit, fetch and leave', async () => {
    const client = await connect();
    await createTopic(client, 'events', 1);
    const joined = await client.request(JoinGroup, 0, {
      groupId: 'old-clients',
      sessionTimeoutMs: 10_000,
      memberId: '',
      protocolType: 'consumer',
      protocols,
    });
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: 'range' });
    expect(joined.leader).toBe(joined.memberId);
    expect(joined.members.map((m) => Buffer.from(m.metadata).toString())).toEqual(['subscription']);
    const member = { groupId: 'old-clients', generationId: joined.generationId, memberId: joined.memberId };

    const synced = await client.request(SyncGroup, 0, {
      ...member,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('all of it') }],
    });
    expect(synced.errorCode).toBe(ErrorCode.NONE);
    expect(Buffer.from(synced.assignment).toString()).toBe('all of it');
    expect((await client.request(Heartbeat, 0, member)).errorCode).toBe(ErrorCode.NONE);

    const committed = await client.request(OffsetCommit, 1, {
      ...member,
      topics: [
        {
          name: 'events',
          partitions: [
            { partitionIndex: 0, committedOffset: 11n, commitTimestamp: -1n, committedMetadata: '' },
          ],
        },
      ],
    });
    expect(committed.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.NONE);
    const stale = await client.request(OffsetCommit, 1, {
      ...member,
      generationId: member.generationId + 1,
      topics: [
        {
          name: 'events',
          partitions: [
            { partitionIndex: 0, committedOffset: 99n, commitTimestamp: -1n, committedMetadata: '' },
          ],
        },
      ],
    });
    expect(stale.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const unknown = await client.request(OffsetCommit, 2, {
      ...member,
      retentionTimeMs: -1n,
      topics: [
        { name: 'events', partitions: [{ partitionIndex: 1, committedOffset: 3n, committedMetadata: '' }] },
        {
          name: 'no-such-topic',
          partitions: [{ partitionIndex: 0, committedOffset: 3n, committedMetadata: '' }],
        },
      ],
    });
    expect(unknown.topics.map((t) => t.partitions[0]?.errorCode)).toEqual([
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    const fetched = await client.request(OffsetFetch, 0, {
      groupId: 'old-clients',
      topics: [{ name: 'events', partitionIndexes: [0] }],
    });
    expect(fetched.topics[0]?.partitions[0]).toMatchObject({
      committedOffset: 11n,
      errorCode: ErrorCode.NONE,
    });

    const described = await client.request(DescribeGroups, 0, { groups: ['old-clients', 'nobody'] });
    expect(described.groups.map((g) => [g.groupId, g.groupState, g.protocolData, g.members.length])).toEqual([
      ['old-clients', 'Stable', 'range', 1],
      ['nobody', 'Dead', '', 0],
    ]);
    expect(described.groups[0]?.members[0]?.clientHost).toMatch(/127\.0\.0\.1/);

    const left = await client.request(LeaveGroup, 0, { groupId: 'old-clients', memberId: joined.memberId });
    expect(left.errorCode).toBe(ErrorCode.NONE);
    expect(
      (
        await client.request(LeaveGroup, 3, {
          groupId: 'old-clients',
          members: [{ memberId: joined.memberId, groupInstanceId: null }],
        })
      ).members,
    ).toEqual([{ memberId: joined.memberId, groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }]);
  });

  it('keeps serving other connections while a JoinGroup waits, and answers it when the broker closes', async () => {
    const first = await connect();
    const required = await first.request(JoinGroup, 4, {
      groupId: 'slow',
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 60_000,
      memberId: '',
      protocolType: 'consumer',
      protocols,
    });
    expect(required.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await first.request(JoinGroup, 4, {
      groupId: 'slow',
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 60_000,
      memberId: required.memberId,
      protocolType: 'consumer',
      protocols,
    });
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, memberId: required.memberId });

    // The first member never rejoins: the second one's JoinGroup waits for the rebalance.
    const second = await connect();
    const waiting = second.request(JoinGroup, 1, {
      groupId: 'slow',
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 60_000,
      memberId: '',
      protocolType: 'consumer',
      protocols,
    });
    const observer = await connect();
    let described = await observer.request(DescribeGroups, 1, { groups: ['slow'] });
    while (described.groups[0]?.groupState !== 'PreparingRebalance') {
      described = await observer.request(DescribeGroups, 1, { groups: ['slow'] });
    }
    const answeredBeforeClose = await Promise.race([waiting.then(() => true), Promise.resolve(false)]);
    expect(answeredBeforeClose).toBe(false);

    await broker.close();
    expect((await waiting).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });
});
