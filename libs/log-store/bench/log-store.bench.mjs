// Partition log throughput and recovery time. Needs a build first (`npx tsup` in libs/log-store;
// `npm run bench -- log-store` builds everything): it imports dist/.
// Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}. MB is 10^6 bytes.
//
// Append: the same batch (16 KiB or 1 MiB of records, CRC valid) appended APPEND_BYTES worth,
// through PartitionLog.append of ValidatedBatches (validated once, outside the timed loop: what
// the log itself costs), 8 per event-loop turn, each turn written with one writev before the
// next (`whenWritten`), and, in the same run and directory, through a raw fs.writeSync append
// loop writing the same bytes one batch at a time; neither fsyncs. Each of ROUNDS rounds runs both back to back (in
// alternating order), so the ratio is taken per round, where the shared machine's noise hits
// both alike; the medians of the speeds and of the ratios are reported. `.crc` is the broker's
// whole path, `validate` (one CRC) then `append`, per batch.
//
// Read: a READ_BYTES log of 16 KiB batches read from start to end with fetches of 1 MiB (Kafka's
// default max.partition.fetch.bytes), from the page cache; median of 5 passes.
//
// Recovery: a log of RECOVERY_BYTES in one active segment (default segmentBytes, no checkpoint:
// the worst case, where everything is rescanned with CRC checks), its last batch torn in half,
// then PartitionLog.open timed until it returns a recovered log.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecordBatch } from '@runnel/protocol';
import { PartitionLog } from '../dist/index.js';

const APPEND_BYTES = 64 * 1024 * 1024;
const ROUNDS = 15;
/** Appends per event-loop turn: the log writes each turn's appends with one writev. */
const PER_TURN = 8;
const READ_BYTES = 256 * 1024 * 1024;
const RECOVERY_BYTES = 1024 * 1024 * 1024;
const MB = 1e6;

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A batch of about `size` bytes: records of `recordSize` random bytes. */
function batchOf(size, recordSize) {
  const count = Math.max(1, Math.floor(size / (recordSize + 10)));
  const records = Array.from({ length: count }, (_, i) => ({
    value: randomBytes(recordSize),
    timestamp: 1_700_000_000_000 + i,
  }));
  return encodeRecordBatch({ records });
}

const root = mkdtempSync(join(tmpdir(), 'log-store-bench-'));
let runs = 0;
const fresh = () => join(root, `run-${runs++}`);

/** MB/s of `count` raw appends of `batch` to a new file. */
function rawAppend(batch, count) {
  const path = `${fresh()}.raw`;
  const fd = openSync(path, 'a');
  // The same PER_TURN copies the log appends, so both read the same memory.
  const copies = Array.from({ length: PER_TURN }, () => Buffer.from(batch));
  const start = performance.now();
  for (let i = 0; i < count; i++) writeSync(fd, copies[i % PER_TURN]);
  const seconds = (performance.now() - start) / 1000;
  closeSync(fd);
  rmSync(path);
  return (count * batch.length) / MB / seconds;
}

/**
 * Appends `count` copies of `batch` to `log`, PER_TURN per turn, each turn's written before the
 * next (so its PER_TURN buffers can be reused: a queued buffer must not change until written).
 * With `validateEach`, each append validates its batch first (the broker's path).
 */
async function appendCopies(log, batch, count, validateEach) {
  const copies = Array.from({ length: PER_TURN }, () => Buffer.from(batch));
  // `coordinator`: a reused copy carries the offset of its previous append, which a client's may not.
  const validated = copies.map((copy) => log.validate(copy, { origin: 'coordinator' }));
  for (let i = 0; i < count; i += PER_TURN) {
    for (let j = 0; j < PER_TURN && i + j < count; j++) {
      log.append(validateEach ? log.validate(copies[j], { origin: 'coordinator' }) : validated[j]);
    }
    await log.whenWritten();
  }
}

/** MB/s of `count` PartitionLog appends of `batch` to a new log. */
async function logAppend(batch, count, validateEach) {
  const log = PartitionLog.open(join(fresh(), 'bench-0'));
  const start = performance.now();
  await appendCopies(log, batch, count, validateEach);
  const seconds = (performance.now() - start) / 1000;
  await log.close();
  rmSync(log.dir, { recursive: true });
  return (count * batch.length) / MB / seconds;
}

async function appendFigures(name, batch) {
  const count = Math.ceil(APPEND_BYTES / batch.length);
  rawAppend(batch, count);
  await logAppend(batch, count, false);
  const raw = [];
  const log = [];
  const ratios = [];
  const crc = [];
  for (let round = 0; round < ROUNDS; round++) {
    globalThis.gc?.();
    if (round % 2 === 0) {
      raw.push(rawAppend(batch, count));
      log.push(await logAppend(batch, count, false));
    } else {
      log.push(await logAppend(batch, count, false));
      raw.push(rawAppend(batch, count));
    }
    ratios.push(log.at(-1) / raw.at(-1));
    if (round % 3 === 0) crc.push(await logAppend(batch, count, true));
  }
  report(`log-store.append.${name}`, median(log), 'MB/s');
  report(`log-store.append.${name}.raw`, median(raw), 'MB/s');
  report(`log-store.append.${name}.ratio`, median(ratios), 'x');
  report(`log-store.append.${name}.crc`, median(crc), 'MB/s');
}

async function readFigure(batch) {
  const log = PartitionLog.open(join(fresh(), 'bench-0'));
  const count = Math.ceil(READ_BYTES / batch.length);
  await appendCopies(log, batch, count, false);
  log.read(0n, 1024 * 1024);
  const speeds = [];
  for (let round = 0; round < 5; round++) {
    let offset = 0n;
    let bytes = 0;
    const start = performance.now();
    while (offset < log.logEndOffset) {
      const { records } = log.read(offset, 1024 * 1024);
      bytes += records.length;
      // The next fetch starts after the last whole batch returned, as a consumer's would.
      let position = 0;
      let last = 0;
      while (position < records.length) {
        last = position;
        position += 12 + records.readInt32BE(position + 8);
      }
      offset = records.readBigInt64BE(last) + BigInt(records.readInt32BE(last + 23)) + 1n;
    }
    speeds.push(bytes / MB / ((performance.now() - start) / 1000));
  }
  await log.close();
  rmSync(log.dir, { recursive: true });
  report('log-store.read.16k-batches.1m-fetch', median(speeds), 'MB/s');
}

async function recoveryFigure(batch) {
  const dir = join(fresh(), 'bench-0');
  const writer = PartitionLog.open(dir);
  const count = Math.floor(RECOVERY_BYTES / batch.length);
  await appendCopies(writer, batch, count, false);
  const segment = join(dir, '00000000000000000000.log');
  const size = statSync(segment).size;
  // The crash: the writer is abandoned without close (no clean-shutdown marker, no checkpoint
  // past 0), and the last batch is torn in half.
  truncateSync(segment, size - Math.floor(batch.length / 2));
  const start = performance.now();
  const recovered = PartitionLog.open(dir);
  const ms = performance.now() - start;
  if (
    recovered.logEndOffset !== writer.logEndOffset - BigInt(batch.readInt32BE(23) + 1) ||
    recovered.hadCleanShutdown
  ) {
    throw new Error(
      `recovery ended at ${recovered.logEndOffset}, expected one batch less than ${writer.logEndOffset}`,
    );
  }
  report('log-store.recovery.1g-torn-tail', ms, 'ms');
  report('log-store.recovery.1g-torn-tail.rate', size / MB / (ms / 1000), 'MB/s');
  await recovered.close();
}

try {
  const small = await batchOf(16 * 1024, 1000);
  const large = await batchOf(1024 * 1024, 16 * 1024);
  await appendFigures('16k', small);
  await appendFigures('1m', large);
  await readFigure(small);
  await recoveryFigure(large);
} finally {
  rmSync(root, { recursive: true, force: true });
}
