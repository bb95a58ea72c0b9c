import {
  encodeGroupRecord,
  type GroupRecord,
  type GroupStore,
  offsetsTopicPartitionFor,
} from '@runnel/coordinator';
import { encodeRecordBatch } from '@runnel/protocol';
import type { ConsumerOffsetsTopic } from './consumer-offsets-topic.js';

/**
 * The coordinator's `GroupStore` on `__consumer_offsets`: each `append` becomes ONE record batch
 * (Kafka's key/value bytes from `encodeGroupRecord`, a null value for a tombstone, timestamped
 * now) on the partition that owns the group (`offsetsTopicPartitionFor`), and resolves only after
 * `PartitionLog.flush()`: what the coordinator tells a client is on disk first. One batch per
 * append keeps a group's change atomic across a crash (recovery truncates a torn batch whole).
 *
 * `flush()` covers every append made before it, so concurrent appends share fsyncs. An append the
 * log refuses (offline, a storage error) rejects with the log store's KafkaError, which the
 * coordinator translates as Kafka does.
 */
export class ConsumerOffsetsStore implements GroupStore {
  constructor(
    private readonly topic: ConsumerOffsetsTopic,
    private readonly now: () => number = Date.now,
  ) {}

  async append(groupId: string, records: readonly GroupRecord[]): Promise<void> {
    if (records.length === 0) return;
    const timestamp = this.now();
    const batch = await encodeRecordBatch({
      records: records.map((record) => ({ ...encodeGroupRecord(record), timestamp })),
    });
    const logs = this.topic.logs();
    const log = logs[offsetsTopicPartitionFor(groupId, logs.length)]!;
    log.append(log.validate(batch, { origin: 'coordinator' }));
    await log.flush();
  }
}
