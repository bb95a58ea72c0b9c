import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, OffsetCommit } from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../src/index.js';
import { GroupMember } from './groups-support/kafkajs-group.js';
import { RawClient } from './support/raw-client.js';

describe('consumer group metrics', () => {
  it('exposes members, state, committed offsets and lag per partition in /metrics', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-groups-metrics-'));
    const broker = await startBroker({
      port: 0,
      httpPort: 0,
      dataDir,
      logger: false,
      groupInitialRebalanceDelayMs: 0,
    });
    const kafka = new Kafka({
      clientId: 'metrics-test',
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    const producer = kafka.producer();
    const client = await RawClient.connect(broker.port);
    const reader = new GroupMember(
      kafka,
      { groupId: 'live-readers', sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 100 },
      'meter',
    );
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'meter', numPartitions: 2 }] });
      await producer.connect();
      await producer.send({
        topic: 'meter',
        messages: [0, 0, 0, 0, 0, 1, 1, 1].map((partition, i) => ({ partition, value: `r${i}` })),
      });
      const commit = await client.request(OffsetCommit, 2, {
        groupId: 'meter-readers',
        generationId: -1,
        memberId: '',
        retentionTimeMs: -1n,
        topics: [
          {
            name: 'meter',
            partitions: [
              { partitionIndex: 0, committedOffset: 2n, committedMetadata: null },
              { partitionIndex: 1, committedOffset: 3n, committedMetadata: null },
            ],
          },
        ],
      });
      expect(commit.topics[0]?.partitions.every((p) => p.errorCode === ErrorCode.NONE)).toBe(true);
      await reader.start(true);
      await GroupMember.until([reader], () => reader.assignment !== undefined);

      const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
      const line = (name: string, labels: string) =>
        metrics.match(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm'))?.[1];
      expect(line('runnel_consumer_group_lag', 'group="meter-readers",topic="meter",partition="0"')).toBe(
        '3',
      );
      expect(line('runnel_consumer_group_lag', 'group="meter-readers",topic="meter",partition="1"')).toBe(
        '0',
      );
      expect(
        line('runnel_consumer_group_committed_offset', 'group="meter-readers",topic="meter",partition="0"'),
      ).toBe('2');
      expect(line('runnel_consumer_group_members', 'group="meter-readers"')).toBe('0');
      expect(line('runnel_consumer_group_state', 'group="meter-readers",state="Empty"')).toBe('1');
      expect(line('runnel_consumer_group_members', 'group="live-readers"')).toBe('1');
      expect(line('runnel_consumer_group_state', 'group="live-readers",state="Stable"')).toBe('1');
    } finally {
      await reader.consumer.disconnect();
      client.close();
      await producer.disconnect();
      await admin.disconnect();
      await broker.close();
    }
  }, 30_000);
});
