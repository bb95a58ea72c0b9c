import { createRequire } from 'node:module';
import { CompressionType } from '../compression/compression-type.js';
import { decodeRecordBatch, encodeRecordBatch } from './record-batch.js';

/**
 * Cross-checks with kafkajs 2.2.4's own RecordBatch v2 codec (its CommonJS sources): batches it
 * encodes decode with ours to the same records, ours decode with its decoder, and the CRCs agree.
 */
const require = createRequire(import.meta.url);

interface Encoder {
  buffer: Buffer;
}
interface LongValue {
  toString(): string;
}
interface KafkajsRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
  timestamp: string;
  offset: string;
}
interface KafkajsBatch {
  firstOffset: string;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  inTransaction: boolean;
  records: KafkajsRecord[];
}

const Long = require('kafkajs/src/utils/long') as { fromValue(v: number | string): LongValue };
const Decoder = require('kafkajs/src/protocol/decoder') as new (buf: Buffer) => unknown;
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer>;
}) => Encoder;
const { RecordBatch: kafkajsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch(options: Record<string, unknown>): Promise<Encoder>;
};
const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  decoder: unknown,
) => Promise<KafkajsBatch>;
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C') as (b: Buffer) => number;

const BASE_TIMESTAMP = 1_700_000_000_000;

interface Message {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  timestamp: number;
}

const messages = Array.from(
  { length: 50 },
  (_, i): Message => ({
    key: i % 5 === 0 ? null : Buffer.from(`key-${i}`),
    value: Buffer.from(`value-${i}-${'x'.repeat(i)}`),
    headers: i % 2 === 0 ? {} : { 'correlation-id': Buffer.from(`c${i}`), source: Buffer.from('kafkajs') },
    timestamp: BASE_TIMESTAMP + i * 10,
  }),
);

async function encodeWithKafkajs(compression: CompressionType, idempotent: boolean): Promise<Buffer> {
  const batch = await kafkajsRecordBatch({
    compression,
    firstOffset: Long.fromValue(100),
    firstTimestamp: BASE_TIMESTAMP,
    maxTimestamp: messages.at(-1)!.timestamp,
    partitionLeaderEpoch: -1,
    lastOffsetDelta: messages.length - 1,
    transactional: idempotent,
    producerId: Long.fromValue(idempotent ? 4242 : -1),
    producerEpoch: idempotent ? 3 : -1,
    firstSequence: idempotent ? 77 : -1,
    records: messages.map((m, i) =>
      kafkajsRecord({
        offsetDelta: i,
        timestampDelta: m.timestamp - BASE_TIMESTAMP,
        key: m.key,
        value: m.value,
        headers: m.headers,
      }),
    ),
  });
  return batch.buffer;
}

function encodeWithRunnel(compression: CompressionType, idempotent: boolean): Promise<Buffer> {
  return encodeRecordBatch({
    compression,
    baseOffset: 100n,
    transactional: idempotent,
    producerId: idempotent ? 4242n : -1n,
    producerEpoch: idempotent ? 3 : -1,
    baseSequence: idempotent ? 77 : -1,
    records: messages.map((m) => ({
      key: m.key,
      value: m.value,
      headers: Object.entries(m.headers).map(([key, value]) => ({ key, value })),
      timestamp: m.timestamp,
    })),
  });
}

const CASES = [
  ['no compression', CompressionType.None, false],
  ['gzip', CompressionType.Gzip, false],
  ['a producer id, epoch and sequence', CompressionType.None, true],
  ['gzip and a producer id, epoch and sequence', CompressionType.Gzip, true],
] as const;

describe('compatibility with kafkajs 2.2.4', () => {
  it.each(CASES)(
    'decodes a kafkajs batch with %s to the same records',
    async (_, compression, idempotent) => {
      const batch = await decodeRecordBatch(await encodeWithKafkajs(compression, idempotent));
      expect(batch.compression).toBe(compression);
      expect(batch.isTransactional).toBe(idempotent);
      expect(batch.header).toMatchObject({
        baseOffset: 100n,
        producerId: idempotent ? 4242n : -1n,
        producerEpoch: idempotent ? 3 : -1,
        baseSequence: idempotent ? 77 : -1,
        recordCount: messages.length,
      });
      expect(batch.records).toEqual(
        messages.map((m, i) => ({
          key: m.key,
          value: m.value,
          headers: Object.entries(m.headers).map(([key, value]) => ({ key, value })),
          timestamp: BigInt(m.timestamp),
          offset: 100n + BigInt(i),
        })),
      );
    },
  );

  it.each(CASES)(
    'encodes a batch with %s that kafkajs decodes to the same records',
    async (_, compression, idempotent) => {
      const decoded = await kafkajsDecodeBatch(new Decoder(await encodeWithRunnel(compression, idempotent)));
      expect(decoded).toMatchObject({
        firstOffset: '100',
        producerId: idempotent ? '4242' : '-1',
        producerEpoch: idempotent ? 3 : -1,
        firstSequence: idempotent ? 77 : -1,
        inTransaction: idempotent,
      });
      expect(decoded.records.map(recordFields)).toEqual(
        messages.map((m, i) => ({
          key: m.key,
          value: m.value,
          headers: m.headers,
          timestamp: String(m.timestamp),
          offset: String(100 + i),
        })),
      );
    },
  );

  it('writes the same bytes as kafkajs for the same uncompressed batch', async () => {
    for (const idempotent of [false, true]) {
      expect(await encodeWithRunnel(CompressionType.None, idempotent)).toEqual(
        await encodeWithKafkajs(CompressionType.None, idempotent),
      );
    }
  });

  it('computes the CRC that kafkajs computes', async () => {
    for (const [, compression, idempotent] of CASES) {
      const bytes = await encodeWithRunnel(compression, idempotent);
      const batch = await decodeRecordBatch(bytes);
      expect(batch.header.crc).toBe(kafkajsCrc32c(bytes.subarray(21)));
    }
  });
});

/** The fields compared; kafkajs's decoded records carry more (attributes, batch context). */
function recordFields(r: KafkajsRecord): KafkajsRecord {
  return { key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offset: r.offset };
}
