// What made consume-latency.bench.mjs's slow records slow: reads the file a run wrote with
// RUNNEL_BENCH_LATENCY_DUMP=<file> and prints, per measured round, its p99 and how many records
// took over THRESHOLD_MS; then each stall (records over THRESHOLD_MS sent less than 5 ms apart,
// which one event held up together) with its start in the measured phase, its records, its
// slowest latency and acknowledgement, and the GC pauses of either process that overlap it
// (`client 4.6 ms at +2.9`: the client paused 4.6 ms, 2.9 ms after the stall's first record was
// sent). A stall with no pause beside it was a process not being run, or the wire.
//
//   RUNNEL_BENCH_LATENCY_DUMP=/tmp/latency.json node --expose-gc libs/client/bench/consume-latency.bench.mjs
//   node libs/client/bench/latency-stalls.mjs /tmp/latency.json [THRESHOLD_MS, default 2]
import { readFileSync } from 'node:fs';

const [file, threshold = '2'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: latency-stalls.mjs <dump file> [threshold ms]\n');
  process.exit(2);
}
const THRESHOLD_MS = Number(threshold);
/** Slow records sent closer together than this belong to one stall. */
const SAME_STALL_MS = 5;

const dump = JSON.parse(readFileSync(file, 'utf8'));
const { warmup, rounds, sentAt, ackedAt, receivedAt, timeOrigin } = dump;
const total = sentAt.length;
const latency = (seq) => receivedAt[seq] - sentAt[seq];
const measuredFrom = sentAt[warmup];

const perRound = Math.floor((total - warmup) / rounds);
for (let r = 0; r < rounds; r++) {
  const from = warmup + r * perRound;
  const sorted = [];
  for (let seq = from; seq < from + perRound; seq++) sorted.push(latency(seq));
  sorted.sort((a, b) => a - b);
  const slow = sorted.filter((ms) => ms > THRESHOLD_MS).length;
  const p99 = sorted[Math.floor(0.99 * sorted.length)];
  console.log(
    `round ${r + 1}: p99 ${p99.toFixed(2)} ms, ${slow} of ${sorted.length} records over ${THRESHOLD_MS} ms`,
  );
}

// GC pauses as [start, duration] on this process's performance.now() clock.
const pauses = Object.entries(dump.gc).flatMap(([side, list]) =>
  list.map(([at, ms]) => ({ side, at: at - timeOrigin, ms })),
);

const stalls = [];
let stall;
for (let seq = warmup; seq < total; seq++) {
  if (latency(seq) <= THRESHOLD_MS) continue;
  if (stall === undefined || sentAt[seq] - stall.lastSent >= SAME_STALL_MS) {
    stall = {
      firstSent: sentAt[seq],
      lastSent: sentAt[seq],
      lastReceived: 0,
      records: 0,
      worst: 0,
      worstAck: 0,
    };
    stalls.push(stall);
  }
  stall.lastSent = sentAt[seq];
  stall.lastReceived = Math.max(stall.lastReceived, receivedAt[seq]);
  stall.records++;
  stall.worst = Math.max(stall.worst, latency(seq));
  stall.worstAck = Math.max(stall.worstAck, ackedAt[seq] - sentAt[seq]);
}

console.log(`\n${stalls.length} stalls over ${THRESHOLD_MS} ms:`);
let withGc = 0;
for (const s of stalls) {
  const near = pauses
    .filter((p) => p.at < s.lastReceived && p.at + p.ms > s.firstSent)
    .map(
      (p) =>
        `${p.side} ${p.ms.toFixed(1)} ms at ${(p.at - s.firstSent >= 0 ? '+' : '') + (p.at - s.firstSent).toFixed(1)}`,
    );
  if (near.length > 0) withGc++;
  console.log(
    `at ${((s.firstSent - measuredFrom) / 1000).toFixed(3).padStart(7)} s: ${String(s.records).padStart(4)} records, ` +
      `worst ${s.worst.toFixed(2)} ms (ack ${s.worstAck.toFixed(2)})${near.length > 0 ? `; GC: ${near.join(', ')}` : ''}`,
  );
}
console.log(`${withGc} of ${stalls.length} stalls overlap a GC pause of either process`);
