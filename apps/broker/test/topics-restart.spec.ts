import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, Metadata } from '@runnel/protocol';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

/** Starts a broker on `dataDir`, runs `fn` with a connected kafkajs admin, and stops both. */
async function withAdmin<T>(
  dataDir: string,
  fn: (admin: ReturnType<Kafka['admin']>, port: number) => Promise<T>,
) {
  const broker = await startBroker({
    port: 0,
    httpPort: -1,
    dataDir,
    autoCreateTopicsEnable: false,
    logger: false,
  });
  const admin = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await fn(admin, broker.port);
  } finally {
    await admin.disconnect();
    await broker.close();
  }
}

describe('topics across a restart', () => {
  it('keeps topics, partition counts and configs, and forgets deleted topics', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-topics-restart-'));
    const snapshot = async (admin: ReturnType<Kafka['admin']>) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: ['kept', 'grown'] });
      const { resources } = await admin.describeConfigs({
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: 'kept' },
          { type: ConfigResourceTypes.TOPIC, name: 'grown' },
        ],
        includeSynonyms: true,
      });
      return {
        listed: (await admin.listTopics()).sort(),
        partitions: Object.fromEntries(topics.map((t) => [t.name, t.partitions.length])),
        configs: Object.fromEntries(
          resources.map((r) => [
            r.resourceName,
            r.configEntries.map((e) => [e.configName, e.configValue, e.configSource]),
          ]),
        ),
      };
    };

    const before = await withAdmin(dataDir, async (admin) => {
      await admin.createTopics({
        topics: [
          {
            topic: 'kept',
            numPartitions: 3,
            configEntries: [
              { name: 'segment.bytes', value: '1048576' },
              { name: 'retention.ms', value: '-1' },
            ],
          },
          { topic: 'grown', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
          { topic: 'deleted', numPartitions: 2 },
        ],
      });
      await admin.createPartitions({ topicPartitions: [{ topic: 'grown', count: 5 }] });
      await admin.deleteTopics({ topics: ['deleted'] });
      return snapshot(admin);
    });
    expect(before.listed).toEqual(['grown', 'kept']);
    expect(before.partitions).toEqual({ kept: 3, grown: 5 });
    expect(before.configs.kept).toContainEqual(['segment.bytes', '1048576', 1]);
    expect(before.configs.grown).toContainEqual(['cleanup.policy', 'compact', 1]);

    const after = await withAdmin(dataDir, snapshot);
    expect(after).toEqual(before);
  }, 20_000);

  it('reports a partition whose log cannot be opened as leaderless beside its healthy partition', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-topics-offline-'));
    await withAdmin(dataDir, (admin) =>
      admin.createTopics({ topics: [{ topic: 'damaged', numPartitions: 2 }] }),
    );
    // A directory where the segment file should be: opening that log fails with an I/O error.
    const segment = join(dataDir, 'damaged-1', '00000000000000000000.log');
    rmSync(segment);
    mkdirSync(segment);

    await withAdmin(dataDir, async (_admin, port) => {
      const client = await RawClient.connect(port);
      try {
        const metadata = await client.request(Metadata, 8, {
          topics: [{ name: 'damaged' }],
          allowAutoTopicCreation: false,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        });
        expect(metadata.topics[0]!.errorCode).toBe(ErrorCode.NONE);
        expect(
          metadata.topics[0]!.partitions.map((p) => [
            p.partitionIndex,
            p.errorCode,
            p.leaderId,
            p.replicaNodes,
            p.isrNodes,
            p.offlineReplicas,
          ]),
        ).toEqual([
          [0, ErrorCode.NONE, 1, [1], [1], []],
          [1, ErrorCode.LEADER_NOT_AVAILABLE, -1, [1], [], [1]],
        ]);
      } finally {
        client.close();
      }
    });
  }, 20_000);
});
