// Fetch reads: PartitionLog.read (synchronous, a header scan from the offset index, then a read
// on the event loop) against PartitionLog.readAsync (one read on libuv's thread pool from the
// offset index's position, batches skipped in its bytes), in the same run, passes alternated.
// Needs a build first (`npx nx build @runnel/log-store`): it imports dist/.
// Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}. MB is 10^6 bytes.
//
// Workload: a READ_BYTES log of 16 KiB batches read from start to end by a consumer with fetches
// of 1 MiB (Kafka's default max.partition.fetch.bytes), from the page cache. Two figures per way:
// MB/s, and event-loop time per MB (performance.eventLoopUtilization: how long the loop was busy,
// so other connections waited, per MB read); with readAsync the copy from the page cache runs on
// a pool thread instead. Medians of PASSES passes, and of the per-pair ratio of loop time.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecordBatch } from '@runnel/protocol';
import { PartitionLog } from '../dist/index.js';

const READ_BYTES = 256 * 1024 * 1024;
const FETCH_BYTES = 1024 * 1024;
const PASSES = 9;
const MB = 1e6;

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const root = mkdtempSync(join(tmpdir(), 'log-store-fetch-bench-'));
const log = PartitionLog.open(join(root, 'read-0'));
const records = Array.from({ length: 128 }, (_, i) => ({
  value: randomBytes(118),
  timestamp: 1_700_000_000_000 + i,
}));
const template = await encodeRecordBatch({ records });
for (let written = 0; written < READ_BYTES; written += template.length) {
  log.append(log.validate(Buffer.from(template), { origin: 'coordinator' }));
}

/** Reads the log from start to end with `read` (sync or async); returns MB/s and loop ms per MB. */
async function pass(read) {
  const loopBefore = performance.eventLoopUtilization();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let offset = 0n;
  let bytes = 0;
  while (offset < log.highWatermark) {
    const { records: got } = await read(offset, FETCH_BYTES);
    bytes += got.length;
    // The next offset: past the last batch of the answer.
    let at = 0;
    let last = offset;
    while (at < got.length) {
      last = got.readBigInt64BE(at) + BigInt(got.readInt32BE(at + 23));
      at += 12 + got.readInt32BE(at + 8);
    }
    offset = last + 1n;
  }
  const seconds = (performance.now() - start) / 1000;
  const loop = performance.eventLoopUtilization(loopBefore);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    mbps: bytes / MB / seconds,
    loopMsPerMb: loop.active / (bytes / MB),
    cpuMsPerMb: (cpu.user + cpu.system) / 1000 / (bytes / MB),
  };
}

const sync = [];
const async = [];
const syncRead = async (offset, max) => log.read(offset, max);
const asyncRead = (offset, max) => log.readAsync(offset, max);
await pass(syncRead);
await pass(asyncRead);
for (let i = 0; i < PASSES; i++) {
  if (i % 2 === 0) {
    sync.push(await pass(syncRead));
    async.push(await pass(asyncRead));
  } else {
    async.push(await pass(asyncRead));
    sync.push(await pass(syncRead));
  }
}
report('log-store.fetch-read.1m.sync', median(sync.map((r) => r.mbps)), 'MB/s');
report('log-store.fetch-read.1m.async', median(async.map((r) => r.mbps)), 'MB/s');
report('log-store.fetch-read.1m.sync.loop', median(sync.map((r) => r.loopMsPerMb)), 'ms/MB');
report('log-store.fetch-read.1m.async.loop', median(async.map((r) => r.loopMsPerMb)), 'ms/MB');
report('log-store.fetch-read.1m.sync.cpu', median(sync.map((r) => r.cpuMsPerMb)), 'ms/MB');
report('log-store.fetch-read.1m.async.cpu', median(async.map((r) => r.cpuMsPerMb)), 'ms/MB');
// Per pair of passes, so the machine's noise hits both alike.
report(
  'log-store.fetch-read.1m.loop.ratio',
  median(async.map((r, i) => r.loopMsPerMb / sync[i].loopMsPerMb)),
  'x',
);
await log.close();
rmSync(root, { recursive: true, force: true });
