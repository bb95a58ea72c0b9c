import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GroupRecord, OFFSETS_TOPIC, offsetsTopicPartitionFor } from '@runnel/coordinator';
import { decodeRecordBatches } from '@runnel/protocol';
import { resolveConfig } from '../config/load-config.js';
import { TopicManager } from '../topics/topic-manager.js';
import { readGroupRecords } from './consumer-offsets-replay.js';
import { ConsumerOffsetsStore } from './consumer-offsets-store.js';
import { ConsumerOffsetsTopic } from './consumer-offsets-topic.js';

const PARTITIONS = 4;
const NOW = 1_700_000_000_000;

function commit(groupId: string, partition: number, offset: bigint | null): GroupRecord {
  return {
    type: 'offset-commit',
    groupId,
    topic: 'orders',
    partition,
    value:
      offset === null
        ? null
        : { offset, leaderEpoch: -1, metadata: '', commitTimestamp: NOW, expireTimestamp: null },
  };
}

describe('ConsumerOffsetsStore', () => {
  let dataDir: string;
  let topics: TopicManager;
  const open = () => new TopicManager(resolveConfig({ dataDir }));

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-consumer-offsets-'));
    topics = open();
  });
  afterEach(() => topics.close());

  it('creates __consumer_offsets compacted on the first append, not before', async () => {
    const offsetsTopic = new ConsumerOffsetsTopic(topics, PARTITIONS);
    expect(offsetsTopic.existingLogs()).toEqual([]);
    expect(topics.topic(OFFSETS_TOPIC)).toBeUndefined();
    await new ConsumerOffsetsStore(offsetsTopic, () => NOW).append('billing', [commit('billing', 0, 5n)]);
    expect(topics.topic(OFFSETS_TOPIC)).toMatchObject({
      partitions: PARTITIONS,
      internal: true,
      configs: { 'cleanup.policy': 'compact', 'segment.bytes': String(100 * 1024 * 1024) },
    });
  });

  it('writes one append as one batch on the group partition, a tombstone with a null value', async () => {
    const offsetsTopic = new ConsumerOffsetsTopic(topics, PARTITIONS);
    const store = new ConsumerOffsetsStore(offsetsTopic, () => NOW);
    await store.append('billing', [commit('billing', 0, 5n), commit('billing', 1, null)]);

    const owner = offsetsTopicPartitionFor('billing', PARTITIONS);
    const logs = offsetsTopic.existingLogs();
    expect(logs.map((log) => log.logEndOffset)).toEqual(
      Array.from({ length: PARTITIONS }, (_, p) => (p === owner ? 2n : 0n)),
    );
    const { batches } = await decodeRecordBatches(logs[owner]!.read(0n, 1 << 20).records);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.records.map((r) => [r.timestamp, r.value === null])).toEqual([
      [BigInt(NOW), false],
      [BigInt(NOW), true],
    ]);
  });

  it('reads back every record of every partition in log order after the logs are reopened', async () => {
    const store = new ConsumerOffsetsStore(new ConsumerOffsetsTopic(topics, PARTITIONS), () => NOW);
    const written = [
      [commit('billing', 0, 5n), commit('billing', 1, 7n)],
      [commit('audit', 0, 1n)],
      [commit('billing', 0, 6n)],
      [commit('billing', 1, null)],
    ];
    for (const records of written) await store.append(records[0]!.groupId, records);
    await topics.close();
    topics = open();

    const replayed = await readGroupRecords(new ConsumerOffsetsTopic(topics, PARTITIONS).existingLogs());
    const ofGroup = (groupId: string) => replayed.filter((r) => r.groupId === groupId);
    expect(ofGroup('billing')).toEqual(written.flat().filter((r) => r.groupId === 'billing'));
    expect(ofGroup('audit')).toEqual([commit('audit', 0, 1n)]);
    expect(replayed).toHaveLength(5);
  });
});
