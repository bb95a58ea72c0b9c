import { CompressionType, type RecordInput } from '@runnel/protocol';
import type { Consumer } from '../../src/consumer/consumer.js';
import type { ConsumerMessage } from '../../src/consumer/consumer-message.js';
import type { ConsumerOptions } from '../../src/consumer/consumer-options.js';
import type { Runnel } from '../../src/runnel.js';
import {
  type ClusterDeviations,
  type Consumed,
  type ContractCluster,
  consumeCount,
  produceBatches,
  runnelOn,
  type StartContractCluster,
  text,
} from './client-contract.js';

/** Written per partition by {@link writeKnownRecords}: 3 batches of 10 records. */
export const RECORDS_PER_PARTITION = 30;

/** What {@link writeKnownRecords} put at `partition`/`index`: nulls, a repeated header, timestamps. */
function knownRecord(partition: number, index: number): RecordInput {
  return {
    key: index % 6 === 0 ? null : Buffer.from(`k${partition}-${index}`),
    value: index % 11 === 5 ? null : Buffer.from(`v${partition}-${index}`),
    headers: [
      { key: 'seq', value: Buffer.from(String(index)) },
      { key: 'twice', value: Buffer.from('first') },
      { key: 'twice', value: Buffer.from('second') },
    ],
    timestamp: 1_700_000_000_000 + partition * 1000 + index,
  };
}

/** Writes {@link RECORDS_PER_PARTITION} known records to every partition, with raw Produce requests. */
export async function writeKnownRecords(
  runnel: Runnel,
  topic: string,
  partitions: number,
  compression?: CompressionType,
) {
  for (let p = 0; p < partitions; p++) {
    const batches = [0, 10, 20].map((first) => ({
      compression,
      records: Array.from({ length: 10 }, (_, i) => knownRecord(p, first + i)),
    }));
    await produceBatches(runnel, topic, p, batches);
  }
}

/** Checks that `got` are the known records of `partition` from offset `from`, in order, intact. */
export function expectKnownRecords(got: readonly ConsumerMessage[], partition: number, from = 0) {
  const expected = Array.from({ length: RECORDS_PER_PARTITION - from }, (_, i) =>
    knownRecord(partition, from + i),
  );
  expect(got.map((m) => m.offset)).toEqual(expected.map((_, i) => BigInt(from + i)));
  expect(got.map((m) => text(m.key))).toEqual(expected.map((r) => text(r.key as Buffer | null)));
  expect(got.map((m) => text(m.value))).toEqual(expected.map((r) => text(r.value as Buffer | null)));
  expect(got.map((m) => m.timestamp)).toEqual(expected.map((r) => r.timestamp));
  expect(got.map((m) => text(m.headers.seq as Buffer))).toEqual(expected.map((_, i) => String(from + i)));
  for (const m of got) expect((m.headers.twice as Buffer[]).map(text)).toEqual(['first', 'second']);
}

function byPartition(consumed: readonly Consumed[], partitions: number): ConsumerMessage[][] {
  const split = Array.from({ length: partitions }, (): ConsumerMessage[] => []);
  for (const { partition, message } of consumed) split[partition]!.push(message);
  return split;
}

/** The consumer's contract in assign mode (no group): what it reads, and from where. Calls describe(). */
export function describeConsumerContract(
  name: string,
  start: StartContractCluster,
  deviations: ClusterDeviations = {},
): void {
  describe(`Consumer contract (assign mode): ${name}`, () => {
    let cluster: ContractCluster;
    const open: Consumer[] = [];
    beforeAll(async () => {
      cluster = await start();
    });
    afterEach(() => Promise.all(open.splice(0).map((c) => c.disconnect())));
    afterAll(() => cluster?.close());

    async function connectedConsumer(options: ConsumerOptions = {}): Promise<Consumer> {
      const consumer = runnelOn(cluster, 'contract-consumer').consumer({ maxWaitMs: 50, ...options });
      open.push(consumer);
      await consumer.connect();
      return consumer;
    }

    it('reads every record of every partition in order: offsets, keys, values, repeated headers, timestamps', async () => {
      const { topic, partitions } = await cluster.newTopic('contract-read');
      await writeKnownRecords(runnelOn(cluster, 'contract-writer'), topic, partitions);
      const consumer = await connectedConsumer();
      consumer.assign(
        Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0n })),
      );
      const consumed = await consumeCount(consumer, partitions * RECORDS_PER_PARTITION);
      for (const [p, got] of byPartition(consumed, partitions).entries()) expectKnownRecords(got, p);
    });

    it.each([
      ['uncompressed', CompressionType.None],
      ['gzip', CompressionType.Gzip],
      ['snappy', CompressionType.Snappy],
      ['lz4', CompressionType.Lz4],
      ['zstd', CompressionType.Zstd],
    ] as const)(
      'starts at an offset inside a batch (%s) and reads on from there',
      async (_codec, compression) => {
        const { topic, partitions } = await cluster.newTopic('contract-offset');
        await writeKnownRecords(runnelOn(cluster, 'contract-writer'), topic, partitions, compression);
        const consumer = await connectedConsumer();
        consumer.assign([{ topic, partition: 1, offset: 13n }]);
        const consumed = await consumeCount(consumer, RECORDS_PER_PARTITION - 13);
        expectKnownRecords(
          consumed.map((c) => c.message),
          1,
          13,
        );
      },
    );

    it("hands eachBatch each partition's records in offset order, with the partition's high watermark", async () => {
      const { topic, partitions } = await cluster.newTopic('contract-each-batch');
      await writeKnownRecords(runnelOn(cluster, 'contract-writer'), topic, partitions);
      const consumer = await connectedConsumer();
      consumer.assign(
        Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0n })),
      );
      const got = Array.from({ length: partitions }, (): ConsumerMessage[] => []);
      let total = 0;
      await new Promise<void>((resolve, reject) => {
        consumer.once('crash', ({ error }) => reject(error));
        consumer
          .run({
            eachBatch: ({ batch }) => {
              expect(batch.topic).toBe(topic);
              expect(batch.highWatermark).toBe(BigInt(RECORDS_PER_PARTITION));
              expect(batch.lastOffset()).toBe(batch.messages.at(-1)!.offset);
              got[batch.partition]!.push(...batch.messages);
              total += batch.messages.length;
              if (total === partitions * RECORDS_PER_PARTITION) resolve();
            },
          })
          .catch(reject);
      });
      for (const [p, messages] of got.entries()) expectKnownRecords(messages, p);
    });

    it('seek() from inside eachMessage skips the rest of that batch and reads again from the offset sought', async () => {
      const { topic, partitions } = await cluster.newTopic('contract-seek');
      await writeKnownRecords(runnelOn(cluster, 'contract-writer'), topic, partitions);
      const consumer = await connectedConsumer();
      consumer.assign([{ topic, partition: 0, offset: 0n }]);
      const offsets: bigint[] = [];
      let sought = false;
      await new Promise<void>((resolve, reject) => {
        consumer.once('crash', ({ error }) => reject(error));
        consumer
          .run({
            eachMessage: ({ message }) => {
              offsets.push(message.offset);
              // Offset 15 lies inside the second batch (10-19): 16-19 must not follow it.
              if (message.offset === 15n && !sought) {
                sought = true;
                consumer.seek({ topic, partition: 0, offset: 5n });
              }
              if (message.offset === BigInt(RECORDS_PER_PARTITION - 1)) resolve();
            },
          })
          .catch(reject);
      });
      const range = (from: number, to: number) =>
        Array.from({ length: to - from + 1 }, (_, i) => BigInt(from + i));
      expect(offsets).toEqual([...range(0, 15), ...range(5, RECORDS_PER_PARTITION - 1)]);
    });

    it('reads what our producer wrote, each key in the order it was sent', async () => {
      const { topic, partitions } = await cluster.newTopic('contract-round-trip');
      const runnel = runnelOn(cluster, 'contract-round-trip');
      const producer = runnel.producer({ lingerMs: 2, batchSize: 1024 });
      await producer.connect();
      const sent = Array.from({ length: 400 }, (_, i) => ({
        key: `key-${i % 13}`,
        value: `${i}`,
        headers: { i: `${i}` },
      }));
      await Promise.all(
        [0, 100, 200, 300].map((first) => producer.send({ topic, messages: sent.slice(first, first + 100) })),
      );
      await producer.disconnect();
      const consumer = await connectedConsumer();
      consumer.assign(
        Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0n })),
      );
      const consumed = await consumeCount(consumer, sent.length);
      const lastByKey = new Map<string, number>();
      for (const { message } of consumed) {
        const i = Number(text(message.value));
        expect(text(message.key)).toBe(sent[i]!.key);
        expect(text(message.headers.i as Buffer)).toBe(`${i}`);
        expect(i).toBeGreaterThan(lastByKey.get(sent[i]!.key) ?? -1);
        lastByKey.set(sent[i]!.key, i);
      }
      expect(new Set(consumed.map((c) => Number(text(c.message.value)))).size).toBe(sent.length);
    });

    // The reset needs ListOffsets; where it cannot be read the cluster's own spec says so.
    if (deviations.unreadableListOffsets !== true) {
      it('resets an offset past the end to the earliest with autoOffsetReset earliest', async () => {
        const { topic, partitions } = await cluster.newTopic('contract-reset');
        await writeKnownRecords(runnelOn(cluster, 'contract-writer'), topic, partitions);
        const consumer = await connectedConsumer({ autoOffsetReset: 'earliest' });
        consumer.assign([{ topic, partition: 0, offset: 1000n }]);
        const consumed = await consumeCount(consumer, RECORDS_PER_PARTITION);
        expectKnownRecords(
          consumed.map((c) => c.message),
          0,
        );
      });
    }
  });
}
