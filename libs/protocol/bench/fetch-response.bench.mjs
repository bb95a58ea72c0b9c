// Fetch response encoding: the whole-frame encoder (encodeResponseFrame, which copies every
// partition's record bytes into the frame) against the list encoder (encodeResponseChunks, which
// passes them by reference), on the same bodies in the same run, rounds alternated. Needs a build
// first (`npx nx build @runnel/protocol`): it imports dist/.
// Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}; MB = 10^6 bytes of frame.
//
// Workloads: a consumer's fetch of 4 partitions of 256 KiB each (Fetch v11), and a wide one of
// 100 partitions of 16 KiB (v12, flexible).
import { encodeResponseChunks, encodeResponseFrame, Fetch } from '../dist/index.js';

const ROUNDS = 7;
const ROUND_MS = 300;

function body(partitions, bytesEach) {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'orders',
        partitions: Array.from({ length: partitions }, (_, i) => ({
          partitionIndex: i,
          errorCode: 0,
          highWatermark: 1_000_000n,
          lastStableOffset: 1_000_000n,
          logStartOffset: 0n,
          abortedTransactions: null,
          preferredReadReplica: -1,
          records: Buffer.alloc(bytesEach, i),
        })),
      },
    ],
  };
}

/** Frames encoded per second over `ms`, in batches of 8 so the clock is read rarely. */
function rate(encode, ms) {
  let frames = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 8; i++) sink += encode().length;
    frames += 8;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  if (sink < 0) throw new Error('unreachable');
  return (frames * 1000) / elapsed;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(bench, value, unit) {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

for (const [name, version, partitions, bytesEach] of [
  ['4x256k', 11, 4, 256 * 1024],
  ['100x16k', 12, 100, 16 * 1024],
]) {
  const input = body(partitions, bytesEach);
  const frameBytes = encodeResponseFrame(Fetch, version, 1, input).length;
  const copy = () => encodeResponseFrame(Fetch, version, 1, input);
  const list = () => encodeResponseChunks(Fetch, version, 1, input);
  rate(copy, ROUND_MS);
  rate(list, ROUND_MS);
  const copies = [];
  const lists = [];
  const ratios = [];
  for (let round = 0; round < ROUNDS; round++) {
    globalThis.gc?.();
    const c = rate(copy, ROUND_MS);
    globalThis.gc?.();
    const l = rate(list, ROUND_MS);
    copies.push((c * frameBytes) / 1e6);
    lists.push((l * frameBytes) / 1e6);
    ratios.push(l / c);
  }
  report(`protocol.fetch-response.${name}.copy`, median(copies), 'MB/s');
  report(`protocol.fetch-response.${name}.list`, median(lists), 'MB/s');
  report(`protocol.fetch-response.${name}.ratio`, median(ratios), 'x');
}
