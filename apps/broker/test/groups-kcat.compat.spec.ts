import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../src/index.js';
import { kcat } from './support/external-clients.js';

const PARTITIONS = 4;
const PER_PARTITION = 10;
const KCAT_TIMEOUT_MS = 30_000;

/** Lines `partition value` that one balanced kcat consumer printed before every assigned partition hit its end. */
async function balancedKcat(bootstrapServers: string): Promise<{ partition: number; value: string }[]> {
  const out = await kcat(
    [
      '-b',
      bootstrapServers,
      '-G',
      'kcat-group',
      '-X',
      'partition.assignment.strategy=range,roundrobin',
      '-X',
      'session.timeout.ms=6000',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%p %s\\n',
      'kcat-events',
    ],
    KCAT_TIMEOUT_MS,
  );
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [partition, value] = line.split(' ');
      return { partition: Number(partition), value: value ?? '' };
    });
}

describe('Consumer groups with kcat', () => {
  it('splits the partitions between two balanced kcat consumers of one group', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-groups-kcat-'));
    // Both instances join the first generation: it forms once neither has been heard of for 2 s.
    const broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir,
      logger: false,
      groupInitialRebalanceDelayMs: 2000,
    });
    const kafka = new Kafka({
      clientId: 'kcat-test',
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    const producer = kafka.producer();
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'kcat-events', numPartitions: PARTITIONS }] });
      await producer.connect();
      const messages = Array.from({ length: PARTITIONS * PER_PARTITION }, (_, i) => ({
        partition: i % PARTITIONS,
        value: `m${i}`,
      }));
      await producer.send({ topic: 'kcat-events', messages });

      const [first, second] = await Promise.all([
        balancedKcat(broker.bootstrapServers),
        balancedKcat(broker.bootstrapServers),
      ]);
      const partitionsOf = (lines: { partition: number }[]) => new Set(lines.map((l) => l.partition));
      expect(partitionsOf(first!).size).toBe(PARTITIONS / 2);
      expect(partitionsOf(second!).size).toBe(PARTITIONS / 2);
      expect(new Set([...partitionsOf(first!), ...partitionsOf(second!)]).size).toBe(PARTITIONS);
      expect([...first!, ...second!].map((l) => l.value).sort()).toEqual(messages.map((m) => m.value).sort());
      const { groups } = await admin.listGroups();
      expect(groups).toContainEqual({ groupId: 'kcat-group', protocolType: 'consumer' });
    } finally {
      await producer.disconnect();
      await admin.disconnect();
      await broker.close();
    }
  }, 60_000);
});
