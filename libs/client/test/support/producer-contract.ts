import { createRequire } from 'node:module';
import { CompressionType, type RecordBatch } from '@runnel/protocol';
import type { ProducerOptions } from '../../src/producer/producer-options.js';
import type { Runnel } from '../../src/runnel.js';
import {
  type ClusterDeviations,
  type ContractCluster,
  recordsOf,
  runnelOn,
  type StartContractCluster,
  storedBatches,
  text,
} from './client-contract.js';

const require = createRequire(import.meta.url);
/** kafkajs's default partitioner: murmur2 placement as the Java client computes it. */
const kafkajsDefaultPartitioner = (
  require('kafkajs').Partitioners.DefaultPartitioner as () => (args: object) => number
)();

/**
 * The producer's contract: what `send()` promises and what lands in the log. Calls describe().
 */
export function describeProducerContract(
  name: string,
  start: StartContractCluster,
  deviations: ClusterDeviations = {},
): void {
  describe(`Producer contract: ${name}`, () => {
    let cluster: ContractCluster;
    beforeAll(async () => {
      cluster = await start();
    });
    afterAll(() => cluster?.close());

    async function withProducer<T>(
      options: ProducerOptions<Buffer | string | null, Buffer | string | null>,
      body: (runnel: Runnel, send: ReturnType<Runnel['producer']>['send']) => Promise<T>,
    ): Promise<T> {
      const runnel = runnelOn(cluster, 'contract-producer');
      const producer = runnel.producer(options);
      await producer.connect();
      try {
        return await body(runnel, producer.send.bind(producer));
      } finally {
        await producer.disconnect();
      }
    }

    it('resolves send() in input order and stores each record intact where it says: key, value, headers, timestamp', async () => {
      const { topic, partitions } = await cluster.newTopic('contract-intact');
      const messages = Array.from({ length: 60 }, (_, i) => ({
        key: i % 5 === 0 ? null : `key-${i % 9}`,
        value: i % 13 === 0 ? null : i % 7 === 0 ? Buffer.from([0, 1, 254, 255, i]) : `value-${i}`,
        headers: { source: 'contract', index: String(i), raw: Buffer.from([i, 0]), multi: ['a', `b${i}`] },
        partition: i % 4 === 3 ? i % partitions : undefined,
        timestamp: i % 2 === 0 ? 1_700_000_000_000 + i : undefined,
      }));
      await withProducer({}, async (runnel, send) => {
        const results = await send({ topic, messages });
        expect(results).toHaveLength(messages.length);
        const stored = new Map<string, RecordBatch['records'][number]>();
        for (let p = 0; p < partitions; p++) {
          for (const r of recordsOf(await storedBatches(runnel, topic, p))) stored.set(`${p}/${r.offset}`, r);
        }
        expect(stored.size).toBe(messages.length);
        results.forEach((result, i) => {
          const m = messages[i]!;
          expect(result.topic).toBe(topic);
          if (m.partition !== undefined) expect(result.partition).toBe(m.partition);
          const record = stored.get(`${result.partition}/${result.offset}`)!;
          expect(text(record.key)).toBe(m.key);
          expect(record.value).toEqual(typeof m.value === 'string' ? Buffer.from(m.value) : m.value);
          expect(record.headers.map((h) => [h.key, text(h.value)])).toEqual([
            ['source', 'contract'],
            ['index', String(i)],
            ['raw', Buffer.from([i, 0]).toString()],
            ['multi', 'a'],
            ['multi', `b${i}`],
          ]);
          if (m.timestamp !== undefined) expect(Number(record.timestamp)).toBe(m.timestamp);
          expect(result.timestamp).toBe(deviations.logAppendTimeMs ?? Number(record.timestamp));
        });
      });
    });

    it('is idempotent with acks -1 by default: one producer id, sequences without gaps, every record once', async () => {
      const { topic, partitions } = await cluster.newTopic('contract-idempotent');
      await withProducer({ batchSize: 1024 }, async (runnel, send) => {
        const sends = Array.from({ length: 20 }, (_, call) =>
          send({
            topic,
            messages: Array.from({ length: 30 }, (_, i) => ({
              partition: (call + i) % partitions,
              value: `${call}:${i}`,
            })),
          }),
        );
        const results = (await Promise.all(sends)).flat();
        expect(results).toHaveLength(600);
        const producerIds = new Set<bigint>();
        const values: string[] = [];
        for (let p = 0; p < partitions; p++) {
          const batches = await storedBatches(runnel, topic, p);
          expect(batches.length).toBeGreaterThan(1);
          let sequence = 0;
          let offset = 0n;
          for (const batch of batches) {
            producerIds.add(batch.header.producerId);
            expect(batch.header.producerEpoch).toBeGreaterThanOrEqual(0);
            expect(batch.header.baseSequence).toBe(sequence);
            expect(batch.header.baseOffset).toBe(offset);
            sequence += batch.header.recordCount;
            offset += BigInt(batch.header.recordCount);
            values.push(...batch.records.map((r) => text(r.value)!));
          }
        }
        expect(producerIds.size).toBe(1);
        expect([...producerIds][0]).toBeGreaterThanOrEqual(0n);
        expect(new Set(values).size).toBe(600);
      });
    });

    it("places keyed records on kafkajs's default (murmur2) partition and keeps per-key order across concurrent sends", async () => {
      const { topic, partitions } = await cluster.newTopic('contract-keyed');
      await withProducer({ batchSize: 2048 }, async (runnel, send) => {
        const keys = Array.from({ length: 12 }, (_, k) => `customer-${k * 7919}`);
        const results = await Promise.all(
          Array.from({ length: 25 }, (_, call) =>
            send({ topic, messages: keys.map((key, k) => ({ key, value: `${call}:${k}` })) }),
          ),
        );
        const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
          partitionId,
          leader: 0,
        }));
        for (const call of results) {
          call.forEach((r, k) => {
            const expected = kafkajsDefaultPartitioner({
              topic,
              partitionMetadata,
              message: { key: keys[k] },
            });
            expect(r.partition).toBe(expected);
          });
        }
        const lastCallByKey = new Map<string, number>();
        for (let p = 0; p < partitions; p++) {
          for (const r of recordsOf(await storedBatches(runnel, topic, p))) {
            const call = Number(text(r.value)!.split(':')[0]);
            expect(call).toBe((lastCallByKey.get(text(r.key)!) ?? -1) + 1);
            lastCallByKey.set(text(r.key)!, call);
          }
        }
        expect([...lastCallByKey.values()]).toEqual(keys.map(() => 24));
      });
    });

    it('collects the records of one partition into batches of at most batchSize bytes, in order', async () => {
      const { topic } = await cluster.newTopic('contract-batches');
      await withProducer({ batchSize: 4096, lingerMs: 20 }, async (runnel, send) => {
        const value = 'x'.repeat(100);
        await send({
          topic,
          messages: Array.from({ length: 300 }, (_, i) => ({ partition: 0, key: `${i}`, value })),
        });
        const batches = await storedBatches(runnel, topic, 0);
        expect(batches.length).toBeGreaterThan(5);
        for (const batch of batches) {
          expect(batch.header.sizeInBytes).toBeLessThanOrEqual(4096);
          expect(batch.records.length).toBeGreaterThan(10);
        }
        expect(recordsOf(batches).map((r) => text(r.key))).toEqual(
          Array.from({ length: 300 }, (_, i) => `${i}`),
        );
      });
    });

    const acksCases = [
      ['acks 1', { acks: 1, idempotent: false }],
      ['acks 0', { acks: 0, idempotent: false }],
    ] as const;
    it.each(acksCases.filter(([, { acks }]) => acks !== 0 || deviations.answersAcksZero !== true))(
      'stores every record with %s and no idempotence',
      async (_label, options) => {
        const { topic, partitions } = await cluster.newTopic('contract-acks');
        await withProducer(options, async (runnel, send) => {
          await send({
            topic,
            messages: Array.from({ length: 40 }, (_, i) => ({ partition: i % partitions, value: `${i}` })),
          });
          // With acks 0 nothing says the records arrived; the Fetch follows the Produce on the same
          // connection to the leader (this Runnel's), and a broker answers a connection in order.
          const values: string[] = [];
          for (let p = 0; p < partitions; p++) {
            for (const batch of await storedBatches(runnel, topic, p)) {
              expect(batch.header.producerId).toBe(-1n);
              values.push(...batch.records.map((r) => text(r.value)!));
            }
          }
          expect(values.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
        });
      },
    );

    it.each([
      ['gzip', CompressionType.Gzip],
      ['snappy', CompressionType.Snappy],
      ['lz4', CompressionType.Lz4],
      ['zstd', CompressionType.Zstd],
    ] as const)('stores %s-compressed batches that decode to the records sent', async (codec, type) => {
      const { topic } = await cluster.newTopic(`contract-${codec}`);
      await withProducer({ compression: codec }, async (runnel, send) => {
        const sent = Array.from({ length: 100 }, (_, i) => `${codec} record ${i} `.repeat(5));
        await send({ topic, messages: sent.map((value) => ({ partition: 1, value, headers: { codec } })) });
        const batches = await storedBatches(runnel, topic, 1);
        expect(batches.every((b) => b.compression === type)).toBe(true);
        expect(recordsOf(batches).map((r) => text(r.value))).toEqual(sent);
        expect(recordsOf(batches).every((r) => text(r.headers[0]?.value) === codec)).toBe(true);
      });
    });
  });
}
