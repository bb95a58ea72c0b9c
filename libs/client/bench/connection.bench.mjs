// Response framing of @runnel/client's BrokerConnection beside the framing most Node Kafka clients
// use, in the same run. Ours (FrameReader) keeps the socket's chunks in a list and cuts a frame out
// only once it is whole: a frame inside one chunk is a view of it, a frame spanning chunks is
// copied once. The baseline joins what is pending with every new chunk (Buffer.concat per read),
// then cuts frames off the front. Both are fed the same stream, in 64 KiB chunks as a socket reads
// it, and must hand out the same frames (checked).
//
// Workloads: SMALL_FRAMES frames of 40-200 bytes (produce and metadata responses), and
// LARGE_FRAMES frames of 1 MiB (fetch responses). Figures (medians of ROUNDS): MB/s of stream
// framed for each, and the ratio ours / baseline. MB is 10^6 bytes.
import { FrameReader } from '../dist/index.js';

const CHUNK = 64 * 1024;
const SMALL_FRAMES = 400_000;
const LARGE_FRAMES = 64;
const ROUNDS = 5;
const MB = 1e6;

function stream(sizes) {
  const total = sizes.reduce((sum, size) => sum + 4 + size, 0);
  const bytes = Buffer.alloc(total);
  let at = 0;
  for (const [i, size] of sizes.entries()) {
    bytes.writeInt32BE(size, at);
    bytes.fill(i & 0xff, at + 4, at + 4 + size);
    at += 4 + size;
  }
  const chunks = [];
  for (let i = 0; i < total; i += CHUNK) chunks.push(bytes.subarray(i, i + CHUNK));
  return { chunks, total, frames: sizes.length };
}

/** The join-per-read framer. */
function concatFramer() {
  let pending = Buffer.alloc(0);
  return (chunk, onFrame) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) break;
      onFrame(pending.subarray(4, 4 + size));
      pending = pending.subarray(4 + size);
    }
  };
}

function runOurs({ chunks }) {
  const reader = new FrameReader();
  let frames = 0;
  let checksum = 0;
  for (const chunk of chunks) {
    reader.push(chunk);
    for (let frame = reader.next(); frame !== undefined; frame = reader.next()) {
      frames++;
      checksum += frame.length === 0 ? 0 : frame[frame.length - 1];
    }
  }
  return { frames, checksum };
}

function runBaseline({ chunks }) {
  const push = concatFramer();
  let frames = 0;
  let checksum = 0;
  const onFrame = (frame) => {
    frames++;
    checksum += frame.length === 0 ? 0 : frame[frame.length - 1];
  };
  for (const chunk of chunks) push(chunk, onFrame);
  return { frames, checksum };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(run, input) {
  const rates = [];
  let result;
  for (let round = 0; round < ROUNDS + 1; round++) {
    globalThis.gc?.();
    const started = process.hrtime.bigint();
    result = run(input);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (round > 0) rates.push(input.total / MB / seconds); // round 0 warms up
  }
  return { rate: median(rates), result };
}

function emit(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 100) / 100, unit }));
}

let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed;
};
const workloads = {
  small_frames: stream(Array.from({ length: SMALL_FRAMES }, () => 40 + (random() % 161))),
  '1mib_frames': stream(Array.from({ length: LARGE_FRAMES }, () => 1024 * 1024)),
};

for (const [name, input] of Object.entries(workloads)) {
  const ours = measure(runOurs, input);
  const baseline = measure(runBaseline, input);
  if (ours.result.frames !== input.frames || baseline.result.frames !== input.frames) {
    throw new Error(
      `${name}: framed ${ours.result.frames} and ${baseline.result.frames} of ${input.frames} frames`,
    );
  }
  if (ours.result.checksum !== baseline.result.checksum) throw new Error(`${name}: the two framers disagree`);
  emit(`connection.framing.${name}.runnel`, ours.rate, 'MB/s');
  emit(`connection.framing.${name}.concat_per_read`, baseline.rate, 'MB/s');
  emit(`connection.framing.${name}.ratio`, ours.rate / baseline.rate, 'x');
}
