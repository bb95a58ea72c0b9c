import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKey, ApiVersions, CompressionType, partitionForKey } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { readStoredBatches } from './produce-support/stored-batches.js';
import { pythonFile } from './support/external-clients.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

const PRODUCER_SCRIPT = join(import.meta.dirname, 'produce-support', 'confluent_producer.py');
const PARTITIONS = 3;
const RECORDS = 40;

interface DeliveryReport {
  error: string | null;
  partition: number;
  offset: number;
  key: string;
}

const CODECS = [
  ['gzip', CompressionType.Gzip],
  ['snappy', CompressionType.Snappy],
  ['lz4', CompressionType.Lz4],
  ['zstd', CompressionType.Zstd],
] as const;

describe('Produce with librdkafka (confluent-kafka-python), idempotent', () => {
  let dataDir: string;
  let broker: RunningBroker;
  const reports = new Map<string, DeliveryReport[]>();
  /**
   * The codec librdkafka 2.0.2 really uses for `compression.type=lz4`: its feature map enables LZ4
   * only on brokers that advertise FindCoordinator (its marker of Kafka 0.10+), and otherwise
   * sends the batches uncompressed.
   */
  let lz4Sent: CompressionType;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-produce-librdkafka-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    const client = await RawClient.connect(broker.port);
    for (const [codec] of CODECS) await createTopic(client, `rdkafka-${codec}`, PARTITIONS);
    const { apiKeys } = await client.request(ApiVersions, 0, {});
    const findCoordinator = apiKeys.some(({ apiKey }) => apiKey === ApiKey.FindCoordinator);
    lz4Sent = findCoordinator ? CompressionType.Lz4 : CompressionType.None;
    client.close();
  });
  afterAll(() => broker.close());

  it.each(CODECS)(
    'delivers every %s record without error, each at the next offset of its murmur2 partition',
    async (codec) => {
      const stdout = await pythonFile(PRODUCER_SCRIPT, [
        broker.bootstrapServers,
        `rdkafka-${codec}`,
        codec,
        String(RECORDS),
      ]);
      const delivered = JSON.parse(stdout) as DeliveryReport[];
      reports.set(codec, delivered);
      expect(delivered).toHaveLength(RECORDS);
      expect(delivered.filter(({ error }) => error !== null)).toEqual([]);
      for (const { key, partition } of delivered) {
        expect(partition).toBe(partitionForKey(Buffer.from(key), PARTITIONS));
      }
      for (let p = 0; p < PARTITIONS; p++) {
        const offsets = delivered.filter(({ partition }) => partition === p).map(({ offset }) => offset);
        expect(offsets).toEqual(offsets.map((_, i) => i));
      }
    },
  );

  it('stored the batches compressed with each codec, and they decode to the delivered records', async () => {
    await broker.close();
    for (const [codec, compression] of CODECS) {
      const delivered = reports.get(codec)!;
      for (let p = 0; p < PARTITIONS; p++) {
        const batches = await readStoredBatches(dataDir, `rdkafka-${codec}`, p);
        const sent = compression === CompressionType.Lz4 ? lz4Sent : compression;
        expect(batches.map((batch) => batch.compression)).toEqual(batches.map(() => sent));
        expect(new Set(batches.map(({ header }) => header.producerId)).size).toBeLessThanOrEqual(1);
        const stored = batches.flatMap(({ records }) =>
          records.map(({ offset, key, value, headers }) => ({
            offset: Number(offset),
            key: key!.toString(),
            value: value!.toString(),
            seq: headers[0]!.value!.toString(),
          })),
        );
        const expected = delivered
          .filter(({ partition }) => partition === p)
          .map(({ offset, key }) => {
            const i = key.slice('key-'.length);
            return { offset, key, value: `${codec} record ${i} `.repeat(8), seq: i };
          });
        expect(stored).toEqual(expected);
      }
    }
  });
});
