// A follower's truncation into a closed segment (PartitionLog.truncateTo). Needs a build first
// (`npx tsup` in libs/log-store; `npm run bench -- truncation` builds everything): it imports
// dist/. Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}.
//
// A log of a closed SEGMENT_BYTES segment and a smaller active one is written once and closed
// cleanly. Then, ROUNDS times, in alternating order, on a fresh copy of it (page cache warm):
// - truncate: open, then truncateTo an offset near the start of the closed segment (timed): the
//   segment above is deleted, the closed one cut and its index entries past the cut dropped;
// - rebuild (the baseline: what a truncation cost before, when it rebuilt the segment's indexes
//   from its log with every batch's CRC checked, as recovery does): open with that segment's
//   index files removed, so that the open recovers it (timed).
// Both run on the event loop, so each figure is how long a truncating follower stalls it.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecordBatch } from '@runnel/protocol';
import { PartitionLog } from '../dist/index.js';

const SEGMENT_BYTES = 128 * 1024 * 1024;
const LOG_BYTES = SEGMENT_BYTES + 16 * 1024 * 1024;
const ROUNDS = 5;
const CUT = 1500n;

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const root = mkdtempSync(join(tmpdir(), 'truncation-bench-'));
const template = join(root, 'template-0');

try {
  const log = PartitionLog.open(template, { segmentBytes: SEGMENT_BYTES });
  const batch = await encodeRecordBatch({
    records: Array.from({ length: 150 }, (_, i) => ({ value: Buffer.alloc(100, i), timestamp: Date.now() })),
  });
  for (let bytes = 0; bytes < LOG_BYTES; ) {
    for (let i = 0; i < 8; i++, bytes += batch.length) log.append(Buffer.from(batch));
    await log.whenWritten();
  }
  if (log.segmentBaseOffsets.length !== 2)
    throw new Error(`expected 2 segments, got ${log.segmentBaseOffsets}`);
  await log.close();

  const truncate = [];
  const rebuild = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of round % 2 === 0 ? ['truncate', 'rebuild'] : ['rebuild', 'truncate']) {
      const dir = join(root, `${kind}-${round}`);
      cpSync(template, dir, { recursive: true });
      if (kind === 'truncate') {
        const copy = PartitionLog.open(dir, { segmentBytes: SEGMENT_BYTES });
        const start = performance.now();
        copy.truncateTo(CUT);
        truncate.push(performance.now() - start);
        if (copy.logEndOffset !== CUT) throw new Error(`truncated to ${copy.logEndOffset}, not ${CUT}`);
        await copy.close();
      } else {
        rmSync(join(dir, '00000000000000000000.index'));
        rmSync(join(dir, '00000000000000000000.timeindex'));
        const start = performance.now();
        const copy = PartitionLog.open(dir, { segmentBytes: SEGMENT_BYTES });
        rebuild.push(performance.now() - start);
        if (copy.recovery.segmentsRecovered !== 1) throw new Error('the segment was not rebuilt');
        await copy.close();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }
  report('log-store.truncate.128m-segment', median(truncate), 'ms');
  report('log-store.truncate.128m-segment.rebuild', median(rebuild), 'ms');
  report('log-store.truncate.128m-segment.ratio', median(rebuild) / median(truncate), 'x');
} finally {
  rmSync(root, { recursive: true, force: true });
}
