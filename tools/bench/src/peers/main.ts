// `npm run bench:peers`: Runnel beside its peers on one 100-byte workload (see renderPeersSection
// in report.ts for what is measured and how). Prints one JSON line per figure,
// {"bench": name, "value": n, "unit": u}, then the markdown table; a full run (no --only, no
// --no-write) also rewrites the peers block of BENCHMARKS.md and the SVG charts it shows.
// A peer whose binary is missing is reported and marked not run; a peer that is present and
// fails makes the run exit 1 (and leaves BENCHMARKS.md as it was). Bad options exit 2.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replacePeersBlock } from './benchmarks-md.js';
import { mockClusterPeer, runnelKcatPeer } from './kafka-peers.js';
import { natsJetStreamPeer } from './nats-jetstream.js';
import { BenchUsageError, parseOptions, usage } from './options.js';
import type { Peer, Row } from './peer.js';
import { rawDiskPeer } from './raw-disk.js';
import { redisStreamsPeer } from './redis-streams.js';
import { LATENCY_CHART, renderCharts, renderPeersSection, THROUGHPUT_CHART } from './report.js';
import { RAW_DISK_ID } from './report-table.js';
import { runnelClientPeer } from './runnel-client.js';
import { Workload } from './workload.js';

// This module is bundled into tools/bench/dist/peers.js, three levels below the repository root.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const PEERS: readonly Peer[] = [
  rawDiskPeer,
  runnelClientPeer(1),
  runnelClientPeer(-1),
  runnelKcatPeer,
  mockClusterPeer,
  redisStreamsPeer(true),
  redisStreamsPeer(false),
  natsJetStreamPeer,
];

const ROW_IDS = PEERS.map((peer) => peer.id);

function report(bench: string, value: number, unit: string): void {
  console.log(JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit }));
}

const errorText = (err: unknown): string => (err instanceof Error ? (err.stack ?? err.message) : String(err));

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(usage(ROW_IDS));
    return 0;
  }
  const options = parseOptions(argv, ROW_IDS);
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  const workload = new Workload(options.records);
  const selected = PEERS.filter((peer) => options.only === undefined || options.only.includes(peer.id));
  const rows: Row[] = [];
  let floor: number | undefined;
  for (const peer of selected) {
    const { missing, run, ...description } = peer;
    const why = missing();
    if (why !== undefined) {
      console.error(`bench:peers: ${peer.id} not run: ${why}`);
      rows.push({ ...description, outcome: { kind: 'not-run', reason: why } });
      continue;
    }
    console.error(`bench:peers: ${peer.id} ...`);
    const dataDir = mkdtempSync(join(tmpdir(), `runnel-peers-${peer.id}-`));
    // Also on an interrupt, after processes.ts has killed the children that write there.
    const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
    process.once('exit', removeDataDir);
    try {
      const figures = await run({
        workload,
        latencyRate: options.latencyRate,
        warmupSeconds: options.warmupSeconds,
        latencySeconds: options.latencySeconds,
        dataDir,
      });
      rows.push({ ...description, outcome: { kind: 'ran', figures } });
      const name = `peers.${peer.id}`;
      report(`${name}.produce`, figures.produce, 'records/s');
      if (peer.id === RAW_DISK_ID) floor = figures.produce;
      else if (floor !== undefined) report(`${name}.produce_vs_raw_disk`, figures.produce / floor, 'x');
      if (figures.consume !== undefined) report(`${name}.consume`, figures.consume, 'records/s');
      if (figures.latencyP50 !== undefined) report(`${name}.latency.p50`, figures.latencyP50, 'ms');
      if (figures.latencyP99 !== undefined) report(`${name}.latency.p99`, figures.latencyP99, 'ms');
    } catch (err) {
      console.error(`bench:peers: ${peer.id} FAILED: ${errorText(err)}`);
      rows.push({
        ...description,
        outcome: { kind: 'failed', reason: (err as Error).message?.split('\n')[0] ?? String(err) },
      });
    } finally {
      process.off('exit', removeDataDir);
      removeDataDir();
    }
  }

  const section = renderPeersSection(rows, {
    records: options.records,
    latencyRate: options.latencyRate,
    warmupSeconds: options.warmupSeconds,
    latencySeconds: options.latencySeconds,
    startedAt: `${startedAt.toISOString().slice(0, 16)}Z`,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    node: process.versions.node,
    cores: availableParallelism(),
    loadAtStart,
    loadAtEnd: loadavg()[0]!,
  });
  console.log(`\n${section}`);
  const failed = rows.filter((row) => row.outcome.kind === 'failed');
  if (failed.length > 0) {
    console.error(
      `bench:peers: ${failed.map((row) => row.id).join(', ')} failed; BENCHMARKS.md left as it was`,
    );
    return 1;
  }
  if (!options.write || options.only !== undefined) {
    console.error('bench:peers: --no-write or --only given; BENCHMARKS.md and the charts left as they were');
    return 0;
  }
  const charts = renderCharts(rows);
  mkdirSync(dirname(join(ROOT, THROUGHPUT_CHART)), { recursive: true });
  writeFileSync(join(ROOT, THROUGHPUT_CHART), charts.throughput);
  writeFileSync(join(ROOT, LATENCY_CHART), charts.latency);
  const benchmarks = join(ROOT, 'BENCHMARKS.md');
  writeFileSync(benchmarks, replacePeersBlock(readFileSync(benchmarks, 'utf8'), section));
  console.error(`bench:peers: wrote ${benchmarks}, ${THROUGHPUT_CHART} and ${LATENCY_CHART}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof BenchUsageError) {
      console.error(`bench:peers: ${err.message}\n${usage(ROW_IDS)}`);
      process.exit(2);
    }
    console.error(`bench:peers: ${errorText(err)}`);
    process.exit(1);
  },
);
