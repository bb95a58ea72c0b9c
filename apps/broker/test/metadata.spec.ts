import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, Metadata } from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

describe('Metadata', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-metadata-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, numPartitions: 3, logger: false });
  });
  afterAll(() => broker.close());

  it('auto-creates a requested topic with num.partitions when the request allows it', async () => {
    const client = await RawClient.connect(broker.port);
    try {
      const refused = await client.request(Metadata, 4, {
        topics: [{ name: 'not-allowed' }],
        allowAutoTopicCreation: false,
      });
      expect(refused.topics).toEqual([
        expect.objectContaining({ name: 'not-allowed', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }),
      ]);

      const created = await client.request(Metadata, 8, {
        topics: [{ name: 'auto-created' }],
        allowAutoTopicCreation: true,
      });
      expect(created.topics[0]).toMatchObject({ name: 'auto-created', errorCode: ErrorCode.NONE });
      expect(created.topics[0]!.partitions.map((p) => [p.partitionIndex, p.leaderId, p.isrNodes])).toEqual([
        [0, 1, [1]],
        [1, 1, [1]],
        [2, 1, [1]],
      ]);

      const invalid = await client.request(Metadata, 8, {
        topics: [{ name: 'bad/name' }],
        allowAutoTopicCreation: true,
      });
      expect(invalid.topics[0]!.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    } finally {
      client.close();
    }
  });

  it('tells kafkajs where the broker really listens, and that it is the controller', async () => {
    const admin = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: broker.port }]);
      expect(cluster.controller).toBe(1);
      expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    } finally {
      await admin.disconnect();
    }
  });
});
