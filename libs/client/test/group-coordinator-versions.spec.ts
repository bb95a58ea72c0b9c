import { ErrorCode, FindCoordinator, OffsetFetch } from '@runnel/protocol';
import type { Admin } from '../src/admin/admin.js';
import {
  BATCHED_FIND_COORDINATOR_VERSION,
  findGroupCoordinator,
} from '../src/consumer/group/find-coordinator.js';
import { BATCHED_OFFSET_FETCH_VERSION, fetchGroupOffsets } from '../src/consumer/group/offset-fetch.js';
import { Runnel } from '../src/runnel.js';
import { parseBootstrap, startTestBroker, type TestBroker } from './support/test-broker.js';

const TOPIC = 'coordinator-versions';
const GROUP = 'coordinator-versions-group';

/**
 * The client's FindCoordinator and OffsetFetch at every version the embedded broker serves, pinned
 * one by one: the unbatched shapes (one key, one group) below v4 and v8, the batched ones from
 * there. What the broker advertises is also what the group and admin specs negotiate.
 */
describe('FindCoordinator and OffsetFetch at each version, against the embedded broker', () => {
  let broker: TestBroker;
  let runnel: Runnel;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    runnel = new Runnel({ clientId: 'coordinator-versions-spec', brokers: [broker.bootstrap] });
    admin = runnel.admin({ retryBackoffMs: 10 });
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
    await admin.setOffsets({
      groupId: GROUP,
      topic: TOPIC,
      partitions: [
        { partition: 0, offset: 7n },
        { partition: 1, offset: 3n },
      ],
    });
  });

  afterAll(async () => {
    await admin?.disconnect();
    await broker?.close();
  });

  it('negotiates the batched versions with this broker', async () => {
    const connection = await runnel.cluster.anyConnection();
    expect(connection.versionFor(FindCoordinator)).toBe(BATCHED_FIND_COORDINATOR_VERSION);
    expect(connection.versionFor(OffsetFetch)).toBe(BATCHED_OFFSET_FETCH_VERSION);
  });

  it.each([0, 1, 2, 3, 4])(
    'FindCoordinator v%i finds the broker as the group coordinator',
    async (version) => {
      const connection = await runnel.cluster.anyConnection();
      const found = await findGroupCoordinator(connection, GROUP, version);
      expect(found).toMatchObject({ errorCode: ErrorCode.NONE, ...parseBootstrap(broker.bootstrap) });
      expect(found.nodeId).toBeGreaterThanOrEqual(0);
    },
  );

  it.each([0, 1, 2, 5, 7, 8])(
    'OffsetFetch v%i reads the offsets committed for the partitions asked',
    async (version) => {
      const connection = await runnel.cluster.anyConnection();
      const answer = await fetchGroupOffsets(
        connection,
        GROUP,
        [{ name: TOPIC, partitionIndexes: [0, 1] }],
        version,
      );
      expect(answer.errorCode).toBe(ErrorCode.NONE);
      expect(
        answer.topics.flatMap(({ name, partitions }) =>
          partitions.map((p) => [name, p.partitionIndex, p.committedOffset, p.errorCode]),
        ),
      ).toEqual([
        [TOPIC, 0, 7n, ErrorCode.NONE],
        [TOPIC, 1, 3n, ErrorCode.NONE],
      ]);
    },
  );

  it.each([2, 7, 8])(
    'OffsetFetch v%i with null topics reads everything the group committed',
    async (version) => {
      const connection = await runnel.cluster.anyConnection();
      const answer = await fetchGroupOffsets(connection, GROUP, null, version);
      expect(answer.errorCode).toBe(ErrorCode.NONE);
      const offsets = answer.topics
        .filter(({ name }) => name === TOPIC)
        .flatMap(({ partitions }) => partitions.map((p) => [p.partitionIndex, p.committedOffset]))
        .sort(([a], [b]) => Number(a) - Number(b));
      expect(offsets).toEqual([
        [0, 7n],
        [1, 3n],
      ]);
    },
  );

  it.each([7, 8])('OffsetFetch v%i answers -1 for a group that committed nothing', async (version) => {
    const connection = await runnel.cluster.anyConnection();
    const answer = await fetchGroupOffsets(
      connection,
      'coordinator-versions-nobody',
      [{ name: TOPIC, partitionIndexes: [0] }],
      version,
    );
    expect(answer.errorCode).toBe(ErrorCode.NONE);
    expect(answer.topics[0]?.partitions[0]?.committedOffset).toBe(-1n);
  });
});
