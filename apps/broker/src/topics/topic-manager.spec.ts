import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, encodeRecordBatch } from '@runnel/protocol';
import { resolveConfig } from '../config/load-config.js';
import { TopicManager } from './topic-manager.js';

function batchOfSize(records: number, valueBytes: number): Promise<Buffer> {
  return encodeRecordBatch({
    baseTimestamp: Date.now(),
    records: Array.from({ length: records }, () => ({ value: Buffer.alloc(valueBytes, 'x') })),
  });
}

describe('TopicManager', () => {
  let dataDir: string;
  let topics: TopicManager;
  const open = () => new TopicManager(resolveConfig({ dataDir, logSegmentBytes: 1024 * 1024 }));

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-topic-manager-'));
    topics = open();
  });
  afterEach(() => topics.close());

  it('opens the logs of a topic created at run time with its own segment.bytes, so they roll there', async () => {
    topics.createTopic('small-segments', {
      numPartitions: 1,
      replicationFactor: 1,
      configs: { 'segment.bytes': '2048' },
    });
    const log = topics.partitionLog('small-segments', 0)!;
    expect(log.config.segmentBytes).toBe(2048);
    for (let i = 0; i < 6; i++) log.append(await batchOfSize(1, 900));
    expect(log.segmentBaseOffsets.length).toBeGreaterThanOrEqual(3);
  });

  it('applies altered configs to the open logs: retention at the next maintenance pass, the policy at once', async () => {
    topics.createTopic('altered', {
      numPartitions: 1,
      replicationFactor: 1,
      configs: { 'segment.bytes': '2048' },
    });
    const log = topics.partitionLog('altered', 0)!;
    const twoHoursAgo = Date.now() - 2 * 3600_000;
    for (let i = 0; i < 4; i++) {
      log.append(
        await encodeRecordBatch({ baseTimestamp: twoHoursAgo, records: [{ value: Buffer.alloc(900, 'x') }] }),
      );
    }
    await topics.logs.runMaintenance();
    expect(log.logStartOffset).toBe(0n);

    topics.alterTopicConfigs('altered', [{ name: 'retention.ms', configOperation: 0, value: '3600000' }]);
    expect(log.config).toMatchObject({ retentionMs: 3600000, segmentBytes: 2048 });
    await topics.logs.runMaintenance();
    expect(log.logStartOffset).toBeGreaterThan(0n);

    topics.alterTopicConfigs('altered', [{ name: 'cleanup.policy', configOperation: 0, value: 'compact' }]);
    expect(() => topics.deleteRecordsBefore('altered', 0, -1n)).toThrow(
      expect.objectContaining({ code: ErrorCode.POLICY_VIOLATION }),
    );
    expect(topics.topic('altered')!.configs).toEqual({
      'segment.bytes': '2048',
      'retention.ms': '3600000',
      'cleanup.policy': 'compact',
    });
  });

  it('leaves configs, meta.json and the logs as they were when an alteration is refused or only validated', () => {
    topics.createTopic('kept-as-is', {
      numPartitions: 1,
      replicationFactor: 1,
      configs: { 'retention.ms': '60000' },
    });
    const meta = readFileSync(join(dataDir, 'meta.json'), 'utf8');
    expect(() =>
      topics.alterTopicConfigs('kept-as-is', [
        { name: 'retention.ms', configOperation: 1, value: null },
        { name: 'max.message.bytes', configOperation: 0, value: '-1' },
      ]),
    ).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_CONFIG }));
    const validated = topics.alterTopicConfigs(
      'kept-as-is',
      [{ name: 'retention.ms', configOperation: 0, value: '120000' }],
      true,
    );
    expect(validated.configs).toEqual({ 'retention.ms': '120000' });
    expect(topics.topic('kept-as-is')!.configs).toEqual({ 'retention.ms': '60000' });
    expect(topics.partitionLog('kept-as-is', 0)!.config.retentionMs).toBe(60000);
    expect(readFileSync(join(dataDir, 'meta.json'), 'utf8')).toBe(meta);
  });

  it("replaces a topic's configs as AlterConfigs does: the open logs take the new set, and an unnamed config its default", () => {
    topics.createTopic('replaced', {
      numPartitions: 2,
      replicationFactor: 1,
      configs: { 'retention.ms': '60000', 'max.message.bytes': '2048' },
    });
    const info = topics.replaceTopicConfigs('replaced', [{ name: 'cleanup.policy', value: 'compact' }]);
    expect(info.configs).toEqual({ 'cleanup.policy': 'compact' });
    for (const p of [0, 1]) {
      const { config } = topics.partitionLog('replaced', p)!;
      expect(config.cleanupPolicy).toBe('compact');
      expect(config.retentionMs).toBe(7 * 24 * 60 * 60 * 1000);
      expect(config.maxMessageBytes).toBe(1024 * 1024 + 12);
    }
    const meta = readFileSync(join(dataDir, 'meta.json'), 'utf8');
    expect(() => topics.replaceTopicConfigs('replaced', [{ name: 'retention.ms', value: null }])).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_REQUEST }),
    );
    expect(topics.replaceTopicConfigs('replaced', [], true).configs).toEqual({});
    expect(topics.topic('replaced')!.configs).toEqual({ 'cleanup.policy': 'compact' });
    expect(readFileSync(join(dataDir, 'meta.json'), 'utf8')).toBe(meta);
  });

  it('gives partitions added later the configs of their topic', () => {
    topics.createTopic('grown', {
      numPartitions: 1,
      replicationFactor: -1,
      configs: { 'retention.ms': '60000', 'cleanup.policy': 'compact' },
    });
    topics.createPartitions('grown', 3);
    for (const p of [0, 1, 2]) {
      expect(topics.partitionLog('grown', p)!.config).toMatchObject({
        retentionMs: 60000,
        cleanupPolicy: 'compact',
        segmentBytes: 1024 * 1024,
      });
    }
  });

  it('reopens topics with their partition counts and configs after a restart', async () => {
    topics.createTopic('kept', {
      numPartitions: 2,
      replicationFactor: 1,
      configs: { 'segment.ms': '3600000' },
    });
    await topics.close();
    topics = open();
    expect(topics.topic('kept')).toEqual({
      name: 'kept',
      partitions: 2,
      configs: { 'segment.ms': '3600000' },
      internal: false,
    });
    expect(topics.partitionLog('kept', 1)!.config.segmentMs).toBe(3600000);
  });

  it('keeps a topic whose partition cannot be opened, with that partition offline', async () => {
    topics.createTopic('damaged', { numPartitions: 2, replicationFactor: 1 });
    await topics.close();
    // A directory where the segment file should be makes opening that log fail with an I/O error.
    const segment = join(dataDir, 'damaged-1', '00000000000000000000.log');
    rmSync(segment);
    mkdirSync(segment);
    topics = open();
    expect(topics.isPartitionOnline('damaged', 0)).toBe(true);
    expect(topics.isPartitionOnline('damaged', 1)).toBe(false);
    expect(() => topics.partitionLog('damaged', 1)).toThrow(/KAFKA_STORAGE_ERROR/);
  });

  it('moves the log start offset on DeleteRecords, -1 meaning the high watermark', async () => {
    topics.createTopic('trimmed', { numPartitions: 1, replicationFactor: 1 });
    const log = topics.partitionLog('trimmed', 0)!;
    for (let i = 0; i < 4; i++) log.append(await batchOfSize(5, 10));
    expect(topics.deleteRecordsBefore('trimmed', 0, 7n)).toBe(7n);
    expect(topics.deleteRecordsBefore('trimmed', 0, 3n)).toBe(7n);
    expect(topics.deleteRecordsBefore('trimmed', 0, -1n)).toBe(20n);
    expect(() => topics.deleteRecordsBefore('trimmed', 0, 21n)).toThrow(
      expect.objectContaining({ code: ErrorCode.OFFSET_OUT_OF_RANGE }),
    );
  });

  it('refuses DeleteRecords on a topic that only compacts', () => {
    topics.createTopic('compacted', {
      numPartitions: 1,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact' },
    });
    expect(() => topics.deleteRecordsBefore('compacted', 0, 0n)).toThrow(
      expect.objectContaining({ code: ErrorCode.POLICY_VIOLATION }),
    );
  });

  it('does not let a name be taken again while its topic is being deleted', async () => {
    topics.createTopic('recycled', { numPartitions: 2, replicationFactor: 1 });
    const deleting = topics.deleteTopic('recycled');
    expect(() => topics.createTopic('recycled', { numPartitions: 1, replicationFactor: 1 })).toThrow(
      expect.objectContaining({
        code: ErrorCode.TOPIC_ALREADY_EXISTS,
        description: "Topic 'recycled' is marked for deletion.",
      }),
    );
    await deleting;
    topics.createTopic('recycled', { numPartitions: 1, replicationFactor: 1 });
    expect(topics.topic('recycled')?.partitions).toBe(1);
  });

  it('keeps a topic in meta.json until every directory of it is renamed for deletion, then drops it', async () => {
    const metaTopics = () =>
      (JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')) as { topics: { name: string }[] }).topics
        .map((t) => t.name)
        .sort();
    topics.createTopic('going', { numPartitions: 3, replicationFactor: 1 });
    const deleting = topics.deleteTopic('going');
    // meta.json is rewritten while the partitions are still being closed and renamed.
    topics.createTopic('other', { numPartitions: 1, replicationFactor: 1 });
    expect(metaTopics()).toEqual(['going', 'other']);
    expect(topics.topic('going')).toBeUndefined();
    await deleting;
    expect(metaTopics()).toEqual(['other']);
    expect(readdirSync(dataDir).filter((n) => n.startsWith('going'))).toEqual([]);
  });

  it("refuses a name that collides with another once '.' and '_' are the same", () => {
    topics.createTopic('metrics_daily', { numPartitions: 1, replicationFactor: 1 });
    expect(() => topics.createTopic('metrics.daily', { numPartitions: 1, replicationFactor: 1 })).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_TOPIC_EXCEPTION,
        description: "Topic 'metrics.daily' collides with existing topic: metrics_daily",
      }),
    );
  });
  it("hosts a cluster topic's copy by incarnation: new configs reach the open logs, another incarnation waits for the old copy's removal", async () => {
    topics.hostPartitions('shared', 2, { 'retention.ms': '3600000' }, [1], 41);
    expect(topics.localLog('shared', 0)).toBeUndefined();
    const log = topics.localLog('shared', 1)!;
    expect(log.config.retentionMs).toBe(3_600_000);
    log.append(await batchOfSize(1, 10));
    expect(topics.clusterTopicCopies()).toEqual([{ name: 'shared', createRevision: 41 }]);

    // The same incarnation with new configs and a third partition: the open log takes the configs.
    topics.hostPartitions('shared', 3, { 'retention.ms': '60000' }, [1, 2], 41);
    expect(topics.localLog('shared', 1)).toBe(log);
    expect(log.config.retentionMs).toBe(60_000);
    expect(topics.localLog('shared', 2)?.config.retentionMs).toBe(60_000);
    // A later incarnation of the name is not this copy's: its logs would hold the old records.
    expect(() => topics.hostPartitions('shared', 1, {}, [0], 57)).toThrow(RangeError);

    await topics.removeClusterTopicCopy('shared');
    expect(topics.topic('shared')).toBeUndefined();
    expect(readdirSync(dataDir).filter((n) => n.startsWith('shared'))).toEqual([]);
    topics.hostPartitions('shared', 2, {}, [1], 57);
    expect(topics.localLog('shared', 1)?.logEndOffset).toBe(0n);
    await topics.close();
    // A restart knows the copy's incarnation from meta.json.
    topics = open();
    expect(topics.clusterTopicCopies()).toEqual([{ name: 'shared', createRevision: 57 }]);
  });

  it('leaves topics of its own alone: only cluster copies are listed or removed as such', async () => {
    topics.createTopic('own', { numPartitions: 1, replicationFactor: 1 });
    expect(topics.clusterTopicCopies()).toEqual([]);
    await topics.removeClusterTopicCopy('own');
    expect(topics.topic('own')?.partitions).toBe(1);
  });
});
