// Needs Debian's etcd (`apt-get install etcd-server`) and kcat, hence a compat suite: `npm run test:compat`.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreatePartitions,
  CreateTopics,
  DeleteTopics,
  DescribeConfigs,
  decodeRecordBatches,
  ErrorCode,
  IncrementalAlterConfigs,
  ListOffsets,
  Metadata,
} from '@runnel/protocol';
import { type Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { kcat } from './support/external-clients.js';
import { RawClient } from './support/raw-client.js';

const SUITE_TIMEOUT_MS = 90_000;
const TOPIC = 2;
const ConfigOperation = { SET: 0, APPEND: 2 } as const;
/** A session long enough that a SIGSTOPped broker stays registered (live) while topics change. */
const PROCESS_SESSION_TIMEOUT_MS = 8000;
/** The built `runnel` command of tools/cli. */
const RUNNEL_CLI = fileURLToPath(new URL('../../../tools/cli/bin/runnel.js', import.meta.url));

async function withClient<T>(port: number, use: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(port);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

/** `topic` as broker `port`'s Metadata v9 answers it (auto-creation off). */
async function topicMetadata(port: number, topic: string) {
  const response = await withClient(port, (c) =>
    c.request(Metadata, 9, {
      topics: [{ name: topic }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }),
  );
  const answer = response.topics[0]!;
  return {
    errorCode: answer.errorCode,
    partitions: [...answer.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex),
  };
}

/** ListOffsets of `topic`-`partition` at `timestamp` (-1 latest, -2 earliest) from broker `port`. */
async function offset(port: number, topic: string, partition: number, timestamp: bigint): Promise<bigint> {
  const response = await withClient(port, (c) =>
    c.request(ListOffsets, 4, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        { name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp }] },
      ],
    }),
  );
  const answer = response.topics[0]!.partitions[0]!;
  expect(answer.errorCode).toBe(ErrorCode.NONE);
  return answer.offset;
}

/** The topic's configs as broker `port`'s DescribeConfigs lists them, by name. */
async function describedConfigs(port: number, topic: string): Promise<Record<string, string | null>> {
  const response = await withClient(port, (c) =>
    c.request(DescribeConfigs, 1, {
      resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys: null }],
      includeSynonyms: false,
    }),
  );
  const result = response.results[0]!;
  expect(result.errorCode).toBe(ErrorCode.NONE);
  return Object.fromEntries(result.configs.map((c) => [c.name, c.value]));
}

describe('topic administration of a 3-broker cluster', () => {
  let cluster: TestCluster;
  let kafka: Kafka;
  let admin: Admin;

  const port = (id: number) => cluster.members.get(id)!.broker.port;
  /** Every entry of broker `id`'s data directory that belongs to `topic` (partition directories, renamed ones too). */
  const dirsOf = (id: number, topic: string) =>
    readdirSync(cluster.dataDir(id)).filter((name) => name.startsWith(`${topic}-`));
  /** The topic as broker `id`'s meta.json records it. */
  const storedTopic = (id: number, topic: string) => {
    const meta = JSON.parse(readFileSync(join(cluster.dataDir(id), 'meta.json'), 'utf8')) as {
      topics: {
        name: string;
        partitions: number;
        configs: Record<string, string>;
        clusterCreateRevision?: number;
      }[];
    };
    return meta.topics.find((t) => t.name === topic);
  };
  /** The byte size of every segment file of `topic`-`partition` on broker `id`. */
  const segmentSizes = (id: number, topic: string, partition: number) => {
    const dir = join(cluster.dataDir(id), `${topic}-${partition}`);
    return readdirSync(dir)
      .filter((name) => name.endsWith('.log'))
      .map((name) => statSync(join(dir, name)).size);
  };
  const produce = async (topic: string, partitions: number[], values: string[]) => {
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      for (const partition of partitions) {
        await producer.send({ topic, acks: -1, messages: values.map((value) => ({ partition, value })) });
      }
    } finally {
      await producer.disconnect();
    }
  };
  /** Every record of `topic` from the beginning, as kcat (librdkafka, no group) reads it: `<partition> <value>` lines, sorted. */
  const consumeAll = async (topic: string) =>
    (
      await kcat([
        '-b',
        cluster.bootstrapServers.join(','),
        '-C',
        '-t',
        topic,
        '-o',
        'beginning',
        '-e',
        '-q',
        '-f',
        '%p %s\n',
      ])
    )
      .split('\n')
      .filter((line) => line !== '')
      .sort();

  /** Runs `runnel <args> -b <every broker>`; resolves with its stdout, rejects when it exits non-zero. */
  const runnel = async (args: readonly string[]) =>
    (
      await promisify(execFile)(
        process.execPath,
        [RUNNEL_CLI, ...args, '-b', cluster.bootstrapServers.join(',')],
        {
          timeout: 15_000,
        },
      )
    ).stdout;

  beforeAll(async () => {
    // Retention runs every 100 ms, so a retention.ms the cluster sets shows on each replica's disk at once.
    cluster = await TestCluster.start(3, { logRetentionCheckIntervalMs: 100 });
    kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
  }, SUITE_TIMEOUT_MS);

  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.stop();
  }, SUITE_TIMEOUT_MS);

  it(
    'deletes a replicated topic from Metadata and from every data directory, and a topic created again with its name starts empty everywhere',
    async () => {
      await admin.createTopics({
        topics: [{ topic: 'doomed', numPartitions: 3, replicationFactor: 3 }],
        waitForLeaders: true,
      });
      // acks=-1 with every replica in sync: each broker's log holds the records.
      await produce('doomed', [0, 1, 2], ['a', 'b']);
      for (const id of [1, 2, 3]) {
        expect(dirsOf(id, 'doomed').sort()).toEqual(['doomed-0', 'doomed-1', 'doomed-2']);
        for (const p of [0, 1, 2]) expect(Math.max(...segmentSizes(id, 'doomed', p))).toBeGreaterThan(0);
      }

      await admin.deleteTopics({ topics: ['doomed'] });

      for (const id of [1, 2, 3]) {
        await eventually(async () => {
          expect((await topicMetadata(port(id), 'doomed')).errorCode).toBe(
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          );
          expect(dirsOf(id, 'doomed')).toEqual([]);
          expect(storedTopic(id, 'doomed')).toBeUndefined();
        });
      }
      // kcat -L without -t (with -t, librdkafka's Metadata would auto-create the topic, as Kafka does).
      const listed = JSON.parse(await kcat(['-b', cluster.bootstrapServers[1]!, '-L', '-J'])) as {
        topics: { topic: string }[];
      };
      expect(listed.topics.map((t) => t.topic)).not.toContain('doomed');

      await admin.createTopics({
        topics: [{ topic: 'doomed', numPartitions: 3, replicationFactor: 3 }],
        waitForLeaders: true,
      });
      for (const id of [1, 2, 3]) {
        await eventually(async () => {
          expect(dirsOf(id, 'doomed').sort()).toEqual(['doomed-0', 'doomed-1', 'doomed-2']);
        });
        for (const p of [0, 1, 2]) expect(segmentSizes(id, 'doomed', p)).toEqual([0]);
      }
      const { partitions } = await topicMetadata(port(1), 'doomed');
      for (const { partitionIndex, leaderId } of partitions) {
        expect(await offset(port(leaderId), 'doomed', partitionIndex, -2n)).toBe(0n);
        expect(await offset(port(leaderId), 'doomed', partitionIndex, -1n)).toBe(0n);
      }
      await produce('doomed', [0, 1, 2], ['fresh']);
      expect(await consumeAll('doomed')).toEqual(['0 fresh', '1 fresh', '2 fresh']);
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    'a broker down while topics are deleted (one of them created again) removes their old logs before it is back',
    async () => {
      await admin.createTopics({
        topics: [
          { topic: 'away-deleted', numPartitions: 2, replicationFactor: 3 },
          { topic: 'away-recreated', numPartitions: 2, replicationFactor: 3 },
        ],
        waitForLeaders: true,
      });
      await produce('away-deleted', [0, 1], ['old']);
      await produce('away-recreated', [0, 1], ['old']);
      expect(dirsOf(3, 'away-deleted')).toHaveLength(2);
      expect(dirsOf(3, 'away-recreated')).toHaveLength(2);

      await cluster.stopBroker(3);
      try {
        await eventually(async () => {
          expect((await admin.describeCluster()).brokers.map((b) => b.nodeId).sort()).toEqual([1, 2]);
        });
        // One through the runnel CLI (tools/cli, @runnel/client's DeleteTopics), one through kafkajs.
        expect(await runnel(['topics', 'delete', 'away-deleted'])).toBe('Deleted topic away-deleted.\n');
        await admin.deleteTopics({ topics: ['away-recreated'] });
        // Created again without broker 3 (it is not live), with one partition.
        await admin.createTopics({
          topics: [{ topic: 'away-recreated', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] }],
          waitForLeaders: true,
        });
        // Broker 3's disk still holds both old topics.
        expect(dirsOf(3, 'away-deleted')).toHaveLength(2);
        expect(dirsOf(3, 'away-recreated')).toHaveLength(2);

        await cluster.startBroker(3);
      } finally {
        // The later tests need three brokers, whatever failed here.
        if (!cluster.members.has(3)) await cluster.startBroker(3);
      }
      // Removed before the broker registered, so no waiting.
      expect(dirsOf(3, 'away-deleted')).toEqual([]);
      expect(dirsOf(3, 'away-recreated')).toEqual([]);
      expect(storedTopic(3, 'away-deleted')).toBeUndefined();
      expect(storedTopic(3, 'away-recreated')?.partitions).toBe(1);
      expect((await topicMetadata(port(3), 'away-deleted')).errorCode).toBe(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      );
      const recreated = await topicMetadata(port(3), 'away-recreated');
      expect(recreated.partitions.map((p) => [...p.replicaNodes].sort())).toEqual([[1, 2]]);
      await produce('away-recreated', [0], ['new']);
      expect(await consumeAll('away-recreated')).toEqual(['0 new']);
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    'adds partitions whose leaders spread over the brokers, serves produce and consume on them, and refuses what Kafka refuses',
    async () => {
      await admin.createTopics({
        topics: [{ topic: 'growing', numPartitions: 2, replicationFactor: 2 }],
        waitForLeaders: true,
      });
      await eventually(async () => {
        expect((await admin.describeCluster()).brokers).toHaveLength(3);
      });

      const grow = (
        count: number,
        assignments: { brokerIds: number[] }[] | null,
        validateOnly = false,
        at = port(2),
      ) =>
        withClient(at, (c) =>
          c.request(CreatePartitions, 1, {
            topics: [{ name: 'growing', count, assignments }],
            timeoutMs: 5000,
            validateOnly,
          }),
        ).then((response) => response.results[0]!);
      expect((await grow(8, null, true)).errorCode).toBe(ErrorCode.NONE);
      expect((await topicMetadata(port(1), 'growing')).partitions).toHaveLength(2);
      expect(await grow(2, null)).toMatchObject({
        errorCode: ErrorCode.INVALID_PARTITIONS,
        errorMessage: 'Topic already has 2 partitions.',
      });
      expect((await grow(1, null)).errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
      expect((await grow(3, [{ brokerIds: [1, 9] }])).errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
      expect((await grow(3, [{ brokerIds: [1] }])).errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
      expect((await grow(4, [{ brokerIds: [1, 2] }])).errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);

      await admin.createPartitions({ topicPartitions: [{ topic: 'growing', count: 5 }] });
      expect((await grow(6, [{ brokerIds: [3, 1] }])).errorCode).toBe(ErrorCode.NONE);

      for (const id of [1, 2, 3]) {
        await eventually(async () => {
          const { partitions } = await topicMetadata(port(id), 'growing');
          expect(partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2, 3, 4, 5]);
        });
      }
      const { partitions } = await topicMetadata(port(1), 'growing');
      const added = partitions.slice(2);
      for (const p of added) {
        expect(p.replicaNodes).toHaveLength(2);
        expect(p.leaderId).toBe(p.replicaNodes[0]);
        expect([...p.isrNodes].sort()).toEqual([...p.replicaNodes].sort());
      }
      // Partitions 2-4 continue the round robin: three new partitions, one led by each broker.
      expect(
        added
          .slice(0, 3)
          .map((p) => p.leaderId)
          .sort(),
      ).toEqual([1, 2, 3]);
      expect(added[3]?.replicaNodes).toEqual([3, 1]);
      for (const p of added) {
        for (const id of p.replicaNodes) {
          await eventually(async () => {
            expect(existsSync(join(cluster.dataDir(id), `growing-${p.partitionIndex}`))).toBe(true);
          });
        }
      }

      await produce('growing', [2, 3, 4, 5], ['x']);
      expect(await consumeAll('growing')).toEqual(['2 x', '3 x', '4 x', '5 x']);
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    "alters a topic's configs on one broker: every broker describes them and applies them to its own replica",
    async () => {
      await admin.createTopics({
        topics: [
          {
            topic: 'tuned',
            numPartitions: 1,
            replicationFactor: 3,
            configEntries: [{ name: 'segment.bytes', value: '150' }],
          },
        ],
        waitForLeaders: true,
      });
      // One record per segment: five segments on every replica.
      for (let i = 0; i < 5; i++) await produce('tuned', [0], [`record-${i}-${'x'.repeat(40)}`]);
      for (const id of [1, 2, 3]) {
        await eventually(async () => {
          expect(segmentSizes(id, 'tuned', 0).length).toBeGreaterThanOrEqual(5);
        });
      }

      const alter = (
        configs: { name: string; configOperation: number; value: string }[],
        validateOnly = false,
      ) =>
        withClient(port(2), (c) =>
          c.request(IncrementalAlterConfigs, 1, {
            resources: [{ resourceType: TOPIC, resourceName: 'tuned', configs }],
            validateOnly,
          }),
        ).then((response) => response.responses[0]!);
      expect(
        (await alter([{ name: 'retention.ms', configOperation: ConfigOperation.SET, value: 'soon' }]))
          .errorCode,
      ).toBe(ErrorCode.INVALID_CONFIG);
      expect(
        (await alter([{ name: 'retention.ms', configOperation: ConfigOperation.SET, value: '5' }], true))
          .errorCode,
      ).toBe(ErrorCode.NONE);
      expect((await describedConfigs(port(2), 'tuned'))['retention.ms']).toBe('604800000');

      const altered = await alter([
        { name: 'retention.ms', configOperation: ConfigOperation.SET, value: '1' },
        { name: 'cleanup.policy', configOperation: ConfigOperation.APPEND, value: 'compact' },
      ]);
      expect(altered.errorCode).toBe(ErrorCode.NONE);
      expect(await runnel(['topics', 'alter-config', 'tuned', '--config', 'max.message.bytes=2000'])).toBe(
        'Completed updating config for topic tuned.\n',
      );
      expect(await describedConfigs(port(2), 'tuned')).toMatchObject({
        'retention.ms': '1',
        'cleanup.policy': 'delete,compact',
      });
      for (const id of [1, 2, 3]) {
        await eventually(async () => {
          expect(await describedConfigs(port(id), 'tuned')).toMatchObject({
            'retention.ms': '1',
            'cleanup.policy': 'delete,compact',
            'segment.bytes': '150',
            'max.message.bytes': '2000',
          });
          expect(storedTopic(id, 'tuned')?.configs).toEqual({
            'segment.bytes': '150',
            'retention.ms': '1',
            'cleanup.policy': 'delete,compact',
            'max.message.bytes': '2000',
          });
          // Each replica's own retention deleted its old segments: one empty segment is left, from offset 5.
          const dir = join(cluster.dataDir(id), 'tuned-0');
          expect(readdirSync(dir).filter((name) => name.endsWith('.log'))).toEqual([
            '00000000000000000005.log',
          ]);
        });
      }
      const [leader] = (await topicMetadata(port(1), 'tuned')).partitions;
      expect(await offset(port(leader!.leaderId), 'tuned', 0, -2n)).toBe(5n);
    },
    SUITE_TIMEOUT_MS,
  );
  it(
    "replaces a topic's configs through kafkajs's alterConfigs (AlterConfigs): every broker describes and stores exactly the new set, the configs left out back at their defaults",
    async () => {
      await admin.createTopics({
        topics: [
          {
            topic: 'replaced',
            numPartitions: 2,
            replicationFactor: 3,
            configEntries: [
              { name: 'retention.ms', value: '3600000' },
              { name: 'segment.bytes', value: '1048576' },
            ],
          },
        ],
        waitForLeaders: true,
      });
      for (const id of [1, 2, 3]) {
        await eventually(async () => {
          expect(storedTopic(id, 'replaced')?.configs).toEqual({
            'retention.ms': '3600000',
            'segment.bytes': '1048576',
          });
        });
      }
      const replace = (configEntries: { name: string; value: string }[], validateOnly = false) =>
        admin.alterConfigs({
          validateOnly,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: 'replaced', configEntries }],
        });
      await expect(replace([{ name: 'retention.hours', value: '1' }])).rejects.toMatchObject({
        type: 'INVALID_CONFIG',
      });
      await replace([{ name: 'max.message.bytes', value: '4096' }], true);
      expect(await describedConfigs(port(3), 'replaced')).toMatchObject({
        'retention.ms': '3600000',
        'max.message.bytes': '1048588',
      });

      await replace([
        { name: 'max.message.bytes', value: '4096' },
        { name: 'cleanup.policy', value: 'compact' },
      ]);
      for (const id of [1, 2, 3]) {
        await eventually(async () => {
          expect(await describedConfigs(port(id), 'replaced')).toMatchObject({
            'max.message.bytes': '4096',
            'cleanup.policy': 'compact',
            'retention.ms': '604800000',
            'segment.bytes': '1073741824',
          });
          expect(storedTopic(id, 'replaced')?.configs).toEqual({
            'max.message.bytes': '4096',
            'cleanup.policy': 'compact',
          });
        });
      }
      // Each partition's leader holds its log to the new max.message.bytes.
      const producer = kafka.producer({ retry: { retries: 0 } });
      await producer.connect();
      try {
        for (const partition of [0, 1]) {
          await expect(
            producer.send({
              topic: 'replaced',
              acks: -1,
              messages: [{ partition, key: 'k', value: 'x'.repeat(5000) }],
            }),
          ).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
        }
      } finally {
        await producer.disconnect();
      }
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    'loses no change when brokers alter the same topic at once: each compared write that lost is planned again on top of the winner',
    async () => {
      await admin.createTopics({
        topics: [{ topic: 'contended', numPartitions: 2, replicationFactor: 2 }],
        waitForLeaders: true,
      });
      for (const id of [1, 2, 3]) {
        await eventually(async () => {
          expect((await topicMetadata(port(id), 'contended')).partitions).toHaveLength(2);
        });
      }
      const wanted: Record<string, string> = {
        'retention.ms': '3600000',
        'retention.bytes': '1048576',
        'segment.bytes': '1048576',
        'segment.ms': '600000',
        'max.message.bytes': '65536',
        'delete.retention.ms': '60000',
      };
      // Six alterations of one config each, two sent to every broker, all at once.
      const altered = await Promise.all(
        Object.entries(wanted).map(([name, value], i) =>
          withClient(port((i % 3) + 1), (c) =>
            c.request(IncrementalAlterConfigs, 1, {
              resources: [
                {
                  resourceType: TOPIC,
                  resourceName: 'contended',
                  configs: [{ name, configOperation: ConfigOperation.SET, value }],
                },
              ],
              validateOnly: false,
            }),
          ),
        ),
      );
      expect(altered.map((r) => r.responses[0]!.errorCode)).toEqual(Array(6).fill(ErrorCode.NONE));
      // Two growths at once: to 4 and to 3 partitions. Whichever commits first, the topic ends
      // with 4; the growth to 3 is INVALID_PARTITIONS if it is planned again after the growth to 4.
      const grown = await Promise.all(
        [
          [1, 4],
          [2, 3],
        ].map(([id, count]) =>
          withClient(port(id!), (c) =>
            c.request(CreatePartitions, 1, {
              topics: [{ name: 'contended', count: count!, assignments: null }],
              timeoutMs: 5000,
              validateOnly: false,
            }),
          ).then((response) => response.results[0]!.errorCode),
        ),
      );
      expect(grown[0]).toBe(ErrorCode.NONE);
      expect([ErrorCode.NONE, ErrorCode.INVALID_PARTITIONS]).toContain(grown[1]);
      for (const id of [1, 2, 3]) {
        await eventually(async () => {
          expect(await describedConfigs(port(id), 'contended')).toMatchObject(wanted);
          const { partitions } = await topicMetadata(port(id), 'contended');
          expect(partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2, 3]);
          for (const p of partitions) expect(p.leaderId).toBe(p.replicaNodes[0]);
        });
      }
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    'a broker paused while its topic is deleted and created again ends with only the new records; one SIGKILLed during a deletion comes back without the topic',
    async () => {
      // Broker 3 becomes a child process (the built broker), to be SIGSTOPped and SIGKILLed.
      await cluster.stopBroker(3);
      const broker3 = await cluster.startBrokerProcess(3, [
        '--broker-session-timeout-ms',
        String(PROCESS_SESSION_TIMEOUT_MS),
      ]);
      await eventually(async () => {
        expect((await admin.describeCluster()).brokers).toHaveLength(3);
      });
      // Broker 1 answers the admin requests: kafkajs might pick the paused broker.
      const create = (name: string) =>
        withClient(port(1), (c) =>
          c.request(CreateTopics, 5, {
            topics: [{ name, numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] }],
            timeoutMs: 5000,
            validateOnly: false,
          }),
        ).then((response) => expect(response.topics[0]!.errorCode).toBe(ErrorCode.NONE));
      const remove = (name: string) =>
        withClient(port(1), (c) => c.request(DeleteTopics, 3, { topicNames: [name], timeoutMs: 5000 })).then(
          (response) => expect(response.responses[0]!.errorCode).toBe(ErrorCode.NONE),
        );
      const valuesOnDisk = async (id: number, topic: string) => {
        const log = readFileSync(join(cluster.dataDir(id), `${topic}-0`, '00000000000000000000.log'));
        const { batches } = await decodeRecordBatches(log);
        return batches.flatMap((b) => b.records.map((r) => r.value?.toString()));
      };

      await create('paused');
      await eventually(async () => {
        expect((await topicMetadata(port(1), 'paused')).partitions[0]?.leaderId).toBeGreaterThan(0);
      });
      await produce('paused', [0], ['old-1', 'old-2']);
      expect(await valuesOnDisk(3, 'paused')).toEqual(['old-1', 'old-2']);
      broker3.child.kill('SIGSTOP');
      try {
        await remove('paused');
        // Broker 3 is still registered, so the new incarnation has a replica on it.
        await create('paused');
      } finally {
        broker3.child.kill('SIGCONT');
      }
      const incarnation = storedTopic(1, 'paused')?.clusterCreateRevision;
      await eventually(async () => {
        expect(storedTopic(3, 'paused')?.clusterCreateRevision).toBe(incarnation);
        expect(dirsOf(3, 'paused')).toEqual(['paused-0']);
      });
      await produce('paused', [0], ['new']);
      await eventually(async () => {
        expect(await valuesOnDisk(3, 'paused')).toEqual(['new']);
      });

      await create('crashed');
      await produce('crashed', [0], ['doomed']);
      expect(dirsOf(3, 'crashed')).toEqual(['crashed-0']);
      await broker3.stop('SIGKILL');
      await remove('crashed');
      // The restart waits for the killed broker's lease to expire, then recovers its logs unclean.
      await cluster.startBrokerProcess(3, [
        '--broker-session-timeout-ms',
        String(PROCESS_SESSION_TIMEOUT_MS),
      ]);
      expect(dirsOf(3, 'crashed')).toEqual([]);
      expect(storedTopic(3, 'crashed')).toBeUndefined();
      expect(await valuesOnDisk(3, 'paused')).toEqual(['new']);
    },
    SUITE_TIMEOUT_MS,
  );
});
