// How the batches appended to a log in one event-loop turn are best written. Needs a build first
// (`npx tsup` in libs/log-store; `npm run bench -- coalesced` builds everything): it imports dist/.
// Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}. MB is 10^6 bytes.
//
// Raw file writes of TOTAL_BYTES in groups of PER_TURN distinct 16 KiB batches, three ways, in
// the same run and rounds alternated: one writeSync per batch (the log before coalescing), one
// writevSync per group (what FileRecords.writePending does), and a copy of the group into one
// buffer then one writeSync. Then PartitionLog itself: PER_TURN appends per turn followed by
// `await whenWritten()`, against one append per turn, and the ratio of the two. No fsync.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync, writevSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecordBatch } from '@runnel/protocol';
import { PartitionLog } from '../dist/index.js';

const TOTAL_BYTES = 64 * 1024 * 1024;
const PER_TURN = 8;
const ROUNDS = 9;
const MB = 1e6;

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const root = mkdtempSync(join(tmpdir(), 'coalesced-writes-bench-'));
let runs = 0;

/** MB/s of writing `groups` (arrays of buffers) to a new file with `write(fd, group, position)`. */
function rawRun(groups, write) {
  const path = join(root, `raw-${runs++}`);
  const fd = openSync(path, 'w');
  let position = 0;
  const start = performance.now();
  for (const group of groups) position += write(fd, group, position);
  const seconds = (performance.now() - start) / 1000;
  closeSync(fd);
  rmSync(path);
  return position / MB / seconds;
}

const perBatch = (fd, group, position) => {
  let at = position;
  for (const buf of group) at += writeSync(fd, buf, 0, buf.length, at);
  return at - position;
};
const writev = (fd, group, position) => writevSync(fd, group, position);
const copy = (fd, group, position) => {
  const joined = Buffer.concat(group);
  return writeSync(fd, joined, 0, joined.length, position);
};

/** MB/s of PartitionLog appends of `batches`, `perTurn` per event-loop turn. */
async function logRun(batches, perTurn) {
  const log = PartitionLog.open(join(root, `log-${runs++}`, 'bench-0'));
  const validated = batches.map((batch) => log.validate(batch, { origin: 'coordinator' }));
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < validated.length; i += perTurn) {
    for (const batch of validated.slice(i, i + perTurn)) {
      log.append(batch);
      bytes += batch.sizeInBytes;
    }
    await log.whenWritten();
  }
  const seconds = (performance.now() - start) / 1000;
  await log.close();
  rmSync(log.dir, { recursive: true });
  return bytes / MB / seconds;
}

try {
  const template = await encodeRecordBatch({
    records: Array.from({ length: 16 }, (_, i) => ({
      value: Buffer.alloc(1000, i),
      timestamp: 1_700_000_000_000,
    })),
  });
  const count = Math.ceil(TOTAL_BYTES / template.length);
  // Distinct buffers, as request frames are: the log patches each one's base offset.
  const batches = Array.from({ length: count }, () => Buffer.from(template));
  const groups = [];
  for (let i = 0; i < count; i += PER_TURN) groups.push(batches.slice(i, i + PER_TURN));

  const raw = { perBatch: [], writev: [], copy: [] };
  const log = { coalesced: [], single: [], ratio: [] };
  for (let round = 0; round < ROUNDS; round++) {
    globalThis.gc?.();
    const order = round % 2 === 0 ? ['perBatch', 'writev', 'copy'] : ['copy', 'writev', 'perBatch'];
    for (const way of order) raw[way].push(rawRun(groups, { perBatch, writev, copy }[way]));
    const coalesced = await logRun(batches, PER_TURN);
    const single = await logRun(batches, 1);
    log.coalesced.push(coalesced);
    log.single.push(single);
    log.ratio.push(coalesced / single);
  }
  report(`log-store.write.16k.per-batch`, median(raw.perBatch), 'MB/s');
  report(`log-store.write.16k.writev-${PER_TURN}`, median(raw.writev), 'MB/s');
  report(`log-store.write.16k.copy-${PER_TURN}`, median(raw.copy), 'MB/s');
  report(`log-store.append.16k.coalesced-${PER_TURN}`, median(log.coalesced), 'MB/s');
  report('log-store.append.16k.one-per-turn', median(log.single), 'MB/s');
  report(`log-store.append.16k.coalesced-${PER_TURN}.ratio`, median(log.ratio), 'x');
} finally {
  rmSync(root, { recursive: true, force: true });
}
