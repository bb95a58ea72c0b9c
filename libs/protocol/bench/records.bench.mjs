// Record batch throughput: encode, decode and CRC-32C, with kafkajs 2.2.4's RecordBatch v2 codec
// as a same-run baseline. Needs a build first (`npx tsup` in libs/protocol): it imports dist/.
// Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}.
//
// Workload: batches of RECORDS_PER_BATCH records, each a 10-byte key, a 100-byte value, no
// headers (about 16 KiB per batch, Kafka's default batch.size). Each figure warms up for
// WARMUP_MS, then runs for MEASURE_MS.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  CompressionType,
  crc32c,
  crc32cNative,
  crc32cPure,
  decodeRecordBatch,
  encodeRecordBatch,
} from '../dist/index.js';

const RECORDS_PER_BATCH = 128;
const WARMUP_MS = 300;
const MEASURE_MS = 1500;

const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long');
const Decoder = require('kafkajs/src/protocol/decoder');
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0');
const { RecordBatch: kafkajsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder');

/** Calls `fn` in rounds of `perRound` until `ms` pass; returns calls per second. */
async function rate(fn, ms) {
  const perRound = 16;
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < perRound; i++) await fn();
    calls += perRound;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (calls * 1000) / elapsed;
}

async function measure(fn) {
  await rate(fn, WARMUP_MS);
  globalThis.gc?.();
  return rate(fn, MEASURE_MS);
}

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const timestamp = 1_700_000_000_000;
const records = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
  key: randomBytes(10),
  value: Buffer.from(randomBytes(50).toString('hex')),
  timestamp: timestamp + i,
}));

const encode = (compression) => () => encodeRecordBatch({ records, compression });
const encodeKafkajs = async () =>
  (
    await kafkajsRecordBatch({
      firstOffset: Long.fromValue(0),
      firstTimestamp: timestamp,
      maxTimestamp: timestamp + RECORDS_PER_BATCH - 1,
      lastOffsetDelta: RECORDS_PER_BATCH - 1,
      records: records.map((r, i) =>
        kafkajsRecord({
          offsetDelta: i,
          timestampDelta: r.timestamp - timestamp,
          key: r.key,
          value: r.value,
        }),
      ),
    })
  ).buffer;

const plain = await encodeRecordBatch({ records });
process.stderr.write(`batch of ${RECORDS_PER_BATCH} records: ${plain.length} bytes\n`);

const encodeRate = (await measure(encode(CompressionType.None))) * RECORDS_PER_BATCH;
report('protocol.batch.encode', encodeRate, 'records/s');
const kafkajsEncodeRate = (await measure(encodeKafkajs)) * RECORDS_PER_BATCH;
report('kafkajs.batch.encode', kafkajsEncodeRate, 'records/s');
report('protocol.batch.encode.vs_kafkajs', encodeRate / kafkajsEncodeRate, 'x');

const decodeRate = (await measure(() => decodeRecordBatch(plain))) * RECORDS_PER_BATCH;
report('protocol.batch.decode', decodeRate, 'records/s');
const kafkajsDecodeRate = (await measure(() => kafkajsDecodeBatch(new Decoder(plain)))) * RECORDS_PER_BATCH;
report('kafkajs.batch.decode', kafkajsDecodeRate, 'records/s');
report('protocol.batch.decode.vs_kafkajs', decodeRate / kafkajsDecodeRate, 'x');

for (const [name, compression] of [
  ['gzip', CompressionType.Gzip],
  ['snappy', CompressionType.Snappy],
  ['lz4', CompressionType.Lz4],
  ['zstd', CompressionType.Zstd],
]) {
  const compressed = await encodeRecordBatch({ records, compression });
  report(
    `protocol.batch.encode.${name}`,
    (await measure(encode(compression))) * RECORDS_PER_BATCH,
    'records/s',
  );
  report(
    `protocol.batch.decode.${name}`,
    (await measure(() => decodeRecordBatch(compressed))) * RECORDS_PER_BATCH,
    'records/s',
  );
}

const MIB = 1024 * 1024;
const data = randomBytes(MIB);
if (crc32cNative !== undefined) {
  report('protocol.crc32c.native', ((await measure(() => crc32c(data))) * MIB) / 1e6, 'MB/s');
}
report('protocol.crc32c.pure', ((await measure(() => crc32cPure(data))) * MIB) / 1e6, 'MB/s');
