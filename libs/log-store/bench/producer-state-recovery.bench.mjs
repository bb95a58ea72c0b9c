// Idempotent-producer state after a restart, with and without `.snapshot` files. Needs a build
// first (`npx tsup` in libs/log-store; `npm run bench -- producer-state` builds everything): it
// imports dist/. Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}.
//
// A log of LOG_BYTES of idempotent batches (16 KiB each, PRODUCERS producers in turn, every
// sequence in order) is written once and closed cleanly, which writes `<logEndOffset>.snapshot`.
// Then, ROUNDS times, in alternating order:
// - snapshot: PartitionLog.open (timed: `.open.snapshot`), then the first produce (timed:
//   `.first-produce.snapshot`): validate, check against log.producerState, append. This is the
//   path of a broker after a restart, where the state is ready when the log is open;
// - full scan (the baseline, what the broker did before snapshots, on the request path): the log
//   open, the first produce rebuilds the state from every batch header of the log
//   (PartitionLog.batchHeaders into a new ProducerStateManager), then checks and appends.
// And once, `.open.no-snapshot`: open with the snapshot files moved away, where recovery falls
// back to the full scan at open. Medians; page cache warm (the log was just written).
import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchLayout, crc32c, encodeRecordBatch } from '@runnel/protocol';
import { PartitionLog, ProducerStateManager } from '../dist/index.js';

const LOG_BYTES = 1024 * 1024 * 1024;
const BATCH_BYTES = 16 * 1024;
const PRODUCERS = 8;
const ROUNDS = 5;

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A batch of about BATCH_BYTES from `producerId` (epoch 0), to be stamped with a sequence by `stamp`. */
function template(producerId) {
  const count = Math.floor(BATCH_BYTES / 110);
  return encodeRecordBatch({
    producerId: BigInt(producerId),
    producerEpoch: 0,
    baseSequence: 0,
    records: Array.from({ length: count }, (_, i) => ({
      value: Buffer.alloc(100, i),
      timestamp: Date.now(),
    })),
  });
}

/** A copy of `batch` at `baseSequence`, its CRC computed again. */
function stamp(batch, baseSequence) {
  const copy = Buffer.from(batch);
  copy.writeInt32BE(baseSequence, BatchLayout.BASE_SEQUENCE);
  copy.writeUInt32BE(crc32c(copy.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC);
  return copy;
}

const root = mkdtempSync(join(tmpdir(), 'producer-state-bench-'));
const dir = join(root, 'idem-0');

try {
  const templates = await Promise.all(Array.from({ length: PRODUCERS }, (_, p) => template(p + 1)));
  const recordsPerBatch = templates[0].readInt32BE(BatchLayout.RECORD_COUNT);
  const next = new Array(PRODUCERS).fill(0);
  const writer = PartitionLog.open(dir);
  let producer = 0;
  while (writer.size < LOG_BYTES) {
    writer.append(writer.validate(stamp(templates[producer], next[producer])));
    next[producer] += recordsPerBatch;
    producer = (producer + 1) % PRODUCERS;
  }
  const bytes = writer.size;
  await writer.close();

  /** The first produce after a restart: producer 1's next batch, checked and appended. */
  const firstProduce = (log, state) => {
    const batch = log.validate(stamp(templates[0], next[0]));
    if (state.check(batch) !== undefined) throw new Error('a new batch was taken for a retry');
    const { baseOffset } = log.append(batch);
    return baseOffset;
  };

  const withSnapshot = async () => {
    const start = performance.now();
    const log = PartitionLog.open(dir);
    const opened = performance.now();
    if (log.recovery.producerSnapshotOffset === undefined) throw new Error('no snapshot was loaded');
    firstProduce(log, log.producerState);
    const produced = performance.now();
    next[0] += recordsPerBatch;
    await log.close();
    return { open: opened - start, produce: produced - opened };
  };
  const fullScan = async () => {
    const log = PartitionLog.open(dir);
    const start = performance.now();
    const state = new ProducerStateManager(dir);
    for (const header of log.batchHeaders()) state.update(header, header.baseOffset);
    firstProduce(log, state);
    const produced = performance.now() - start;
    next[0] += recordsPerBatch;
    await log.close();
    return produced;
  };

  const open = [];
  const snapshot = [];
  const scan = [];
  for (let round = 0; round < ROUNDS; round++) {
    globalThis.gc?.();
    if (round % 2 === 0) {
      const s = await withSnapshot();
      open.push(s.open);
      snapshot.push(s.produce);
      scan.push(await fullScan());
    } else {
      scan.push(await fullScan());
      const s = await withSnapshot();
      open.push(s.open);
      snapshot.push(s.produce);
    }
  }

  for (const name of readdirSync(dir)) {
    if (name.endsWith('.snapshot')) renameSync(join(dir, name), join(root, name));
  }
  const start = performance.now();
  const rescanned = PartitionLog.open(dir);
  const noSnapshot = performance.now() - start;
  if (rescanned.recovery.producerSnapshotOffset !== undefined) throw new Error('a snapshot was loaded');
  await rescanned.close();

  const mib = bytes / 1024 / 1024;
  report('log-store.producer-state.log-size', mib, 'MiB');
  report('log-store.producer-state.first-produce.snapshot', median(snapshot), 'ms');
  report('log-store.producer-state.first-produce.full-scan', median(scan), 'ms');
  report('log-store.producer-state.first-produce.ratio', median(scan) / median(snapshot), 'x');
  report('log-store.producer-state.open.snapshot', median(open), 'ms');
  report('log-store.producer-state.open.no-snapshot', noSnapshot, 'ms');
} finally {
  rmSync(root, { recursive: true, force: true });
}
