import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';
import { GroupMember, partitionsSplit, type Received } from './groups-support/kafkajs-group.js';

const TOPIC = 'orders';
const PARTITIONS = 3;
const KEYS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
const PER_KEY = 5;

/** Small timeouts so that rebalances complete quickly; heartbeats tell members to rejoin. */
const MEMBER_CONFIG = {
  sessionTimeout: 6000,
  rebalanceTimeout: 10_000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
};

describe('Consumer groups with kafkajs', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  const started: GroupMember[] = [];

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-groups-kafkajs-'));
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir,
      logger: false,
      groupInitialRebalanceDelayMs: 0,
    });
    kafka = new Kafka({
      clientId: 'groups-test',
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    await admin.disconnect();
  });

  afterAll(async () => {
    await Promise.all(started.map((member) => member.consumer.disconnect()));
    await broker.close();
  });

  async function member(groupId: string, fromBeginning = true, topic = TOPIC): Promise<GroupMember> {
    const created = new GroupMember(kafka, { groupId, ...MEMBER_CONFIG }, topic);
    started.push(created);
    await created.start(fromBeginning);
    return created;
  }

  async function produce(values: { key: string; value: string }[], topic = TOPIC): Promise<void> {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: values });
    await producer.disconnect();
  }

  const keyed = KEYS.flatMap((key) =>
    Array.from({ length: PER_KEY }, (_, i) => ({ key, value: `${key}:${i}` })),
  );

  it('splits the partitions between members, keeps each key in order and resumes a group from its commits', async () => {
    const first = await member('billing');
    const second = await member('billing');
    await GroupMember.until([first, second], () => partitionsSplit([first, second], PARTITIONS));

    await produce(keyed);
    const members = [first, second];
    const receivedCount = () => first.received.length + second.received.length;
    await GroupMember.until(members, () => receivedCount() >= keyed.length);

    expect(receivedCount()).toBe(keyed.length);
    for (const each of members) {
      for (const { partition } of each.received) expect(each.assignment).toContain(partition);
    }
    const received = [...first.received, ...second.received];
    for (const key of KEYS) {
      const values = received.filter((r) => r.key === key).map((r) => r.value);
      expect(values).toEqual(Array.from({ length: PER_KEY }, (_, i) => `${key}:${i}`));
    }

    const third = await member('billing');
    await GroupMember.until([first, second, third], () =>
      partitionsSplit([first, second, third], PARTITIONS),
    );
    expect([first, second, third].map((m) => m.assignment?.length)).toEqual([1, 1, 1]);

    await Promise.all([first, second, third].map((m) => m.consumer.disconnect()));

    const resumed = await member('billing');
    const fresh = [
      { key: 'alpha', value: 'alpha:new' },
      { key: 'echo', value: 'echo:new' },
    ];
    await produce(fresh);
    await GroupMember.until([resumed], () => resumed.received.length >= fresh.length);
    expect(resumed.received.map((r) => r.value).sort()).toEqual(['alpha:new', 'echo:new']);
    expect(resumed.assignment).toEqual([0, 1, 2]);

    const auditor = await member('audit');
    await GroupMember.until([auditor], () => auditor.received.length >= keyed.length + fresh.length);
    expect(auditor.received.map((r: Received) => r.value).sort()).toEqual(
      [...keyed, ...fresh].map((m) => m.value).sort(),
    );
  }, 60_000);

  it('lists, describes, fetches, resets and deletes a group through the admin client', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'ledger', numPartitions: 1 }] });
      const entries = ['a', 'b', 'c', 'd'].map((value) => ({ key: value, value }));
      await produce(entries, 'ledger');
      const reader = await member('reports', true, 'ledger');
      await GroupMember.until([reader], () => reader.received.length >= entries.length);

      const [described] = (await admin.describeGroups(['reports'])).groups;
      expect(described).toMatchObject({ groupId: 'reports', state: 'Stable', protocolType: 'consumer' });
      expect(described?.members).toHaveLength(1);
      expect(described?.members[0]?.memberAssignment.length).toBeGreaterThan(0);
      expect((await admin.listGroups()).groups).toContainEqual({
        groupId: 'reports',
        protocolType: 'consumer',
      });
      await expect(admin.deleteGroups(['reports'])).rejects.toThrow();

      await reader.consumer.disconnect();
      const committed = await admin.fetchOffsets({ groupId: 'reports', topics: ['ledger'] });
      expect(committed).toEqual([
        { topic: 'ledger', partitions: [{ partition: 0, offset: '4', metadata: null }] },
      ]);

      // kafkajs commits EARLIEST (-2) as the offset; its consumer then starts from its fromBeginning.
      await admin.resetOffsets({ groupId: 'reports', topic: 'ledger', earliest: true });
      const reset = await admin.fetchOffsets({ groupId: 'reports', topics: ['ledger'] });
      expect(reset[0]?.partitions[0]?.offset).toBe('-2');
      const rereader = await member('reports', true, 'ledger');
      await GroupMember.until([rereader], () => rereader.received.length >= entries.length);
      expect(rereader.received.map((r) => r.value)).toEqual(['a', 'b', 'c', 'd']);
      await rereader.consumer.disconnect();

      expect(await admin.deleteGroups(['reports'])).toEqual([{ groupId: 'reports', errorCode: 0 }]);
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('reports');
      const afterDelete = await admin.fetchOffsets({ groupId: 'reports', topics: ['ledger'] });
      expect(afterDelete[0]?.partitions[0]?.offset).toBe('-1');
    } finally {
      await admin.disconnect();
    }
  }, 60_000);
});
