import { type BarChart, renderBarChart } from './chart-svg.js';
import type { Row } from './peer.js';
import { renderTable } from './report-table.js';
import { RECORD_BYTES } from './workload.js';

/** What the caption says about the run: its settings and the machine it ran on. */
export interface RunInfo {
  records: number;
  latencyRate: number;
  warmupSeconds: number;
  latencySeconds: number;
  /** ISO time the run started. */
  startedAt: string;
  seconds: number;
  node: string;
  cores: number;
  /** 1-minute load averages at the start and the end of the run. */
  loadAtStart: number;
  loadAtEnd: number;
}

/** Where the charts go, relative to the repository root (and so to BENCHMARKS.md). */
export const THROUGHPUT_CHART = 'tools/bench/charts/peers-throughput.svg';
export const LATENCY_CHART = 'tools/bench/charts/peers-latency.svg';

export function caption(run: RunInfo): string {
  return (
    `${run.records.toLocaleString('en')} records of ${RECORD_BYTES} bytes produced then consumed per row; ` +
    `latency from send to receipt at ${run.latencyRate.toLocaleString('en')} records/s for ${run.latencySeconds} s ` +
    `after ${run.warmupSeconds} s of warm-up. Run of ${run.startedAt} (${Math.round(run.seconds)} s), ` +
    `Node ${run.node}, ${run.cores} cores, load average ${run.loadAtStart.toFixed(2)} at the start and ` +
    `${run.loadAtEnd.toFixed(2)} at the end (1 minute; above ${run.cores} means other work shared the cores).`
  );
}

const figures = (row: Row) => (row.outcome.kind === 'ran' ? row.outcome.figures : undefined);

/** What a chart writes in place of a missing bar: why the row has no figure there. */
const missingText = (row: Row): string =>
  row.outcome.kind === 'ran' ? 'not measured' : row.outcome.kind === 'not-run' ? 'not run' : 'failed';

export function throughputChart(rows: readonly Row[]): BarChart {
  return {
    title: `Produce and consume, ${RECORD_BYTES}-byte records`,
    unit: 'records/s',
    series: ['produce', 'consume'],
    groups: rows.map((row) => ({
      label: row.label,
      values: [figures(row)?.produce, figures(row)?.consume],
      missing: missingText(row),
    })),
  };
}

export function latencyChart(rows: readonly Row[]): BarChart {
  const measured = rows.filter(
    (row) => row.outcome.kind !== 'ran' || row.outcome.figures.latencyP50 !== undefined,
  );
  return {
    title: 'Latency from send to receipt at a fixed rate',
    unit: 'ms',
    series: ['p50', 'p99'],
    groups: measured.map((row) => ({
      label: row.label,
      values: [figures(row)?.latencyP50, figures(row)?.latencyP99],
      missing: missingText(row),
    })),
  };
}

/** The peers section of BENCHMARKS.md: what was run and how, the table, and the two charts. */
export function renderPeersSection(rows: readonly Row[], run: RunInfo): string {
  return `## Against peers (\`npm run bench:peers\`)

\`tools/bench/src/peers/\` starts each system itself on 127.0.0.1 with a fresh temp directory,
drives it with the client named, stops it afterwards (also when it fails), and rewrites this
section and the charts from the figures of that run (nothing here is edited by hand). Every row
moves the same records: 100 bytes, a sequence number and random printable characters. Throughput
is one producer as fast as its window allows, then one consumer reading everything back. The raw
disk loop writes the same bytes with no framing: the floor a system that stores records could
approach. Options: \`npm run bench:peers -- --help\`.

Latency is one record at a time at a fixed rate, timed from the send call to its arrival at a
consumer in the same process. For the Kafka-protocol brokers it is measured with @runnel/client
(\`lingerMs: 0\`), not kcat: \`kcat -P\` reads its stdin in blocks, so a lone record waits there for
more input, and that wait is not the broker's. So Runnel's kcat row has no latency (its
@runnel/client rows give the broker's), and the mock's comes through @runnel/client. The mock
answers a Fetch that finds no data only when its max wait runs out (500 ms, @runnel/client's
\`maxWaitMs\`), not when a record arrives (a shortcut its source admits), so its latency is mostly
that wait. The machine is shared: the ratios and the load average in the caption say more than
the figures alone.

${renderTable(rows, caption(run))}
![produce and consume records/s per system](${THROUGHPUT_CHART})

![latency p50 and p99 per system](${LATENCY_CHART})
`;
}

export function renderCharts(rows: readonly Row[]): { throughput: string; latency: string } {
  return { throughput: renderBarChart(throughputChart(rows)), latency: renderBarChart(latencyChart(rows)) };
}
