import type { Row } from './peer.js';

/** The raw-disk row's id: the floor every produce rate is set against. */
export const RAW_DISK_ID = 'raw_disk';

const rate = (value: number | undefined): string =>
  value === undefined ? '—' : Math.round(value).toLocaleString('en');

const ms = (value: number | undefined): string =>
  value === undefined ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(1);

const cell = (text: string): string => text.replaceAll('|', '\\|');

/**
 * The markdown table of a run: one line per row, figures rounded for reading (records/s to the
 * record, latencies to 2 decimals below 10 ms), each produce rate also as a fraction of the raw
 * disk's, and the reason of every row that did not run or failed in a note below.
 */
export function renderTable(rows: readonly Row[], caption: string): string {
  const floor = rows.find((row) => row.id === RAW_DISK_ID);
  const floorRate = floor?.outcome.kind === 'ran' ? floor.outcome.figures.produce : undefined;
  const lines = [
    caption,
    '',
    '| system | driven by | durability | produce (records/s) | consume (records/s) | latency p50 (ms) | latency p99 (ms) | produce / raw disk |',
    '|---|---|---|---:|---:|---:|---:|---:|',
  ];
  const notes: string[] = [];
  for (const row of rows) {
    const head = `| ${cell(row.system)} | ${cell(row.client)} | ${cell(row.durability)} |`;
    const { outcome } = row;
    if (outcome.kind !== 'ran') {
      const mark = outcome.kind === 'not-run' ? 'not run' : 'failed';
      lines.push(`${head} ${mark} | ${mark} | ${mark} | ${mark} | — |`);
      notes.push(`- ${row.system} (${row.client}) ${mark}: ${outcome.reason}`);
      continue;
    }
    const f = outcome.figures;
    const ratio = floorRate === undefined ? '—' : `${(f.produce / floorRate).toFixed(3)} x`;
    lines.push(
      `${head} ${rate(f.produce)} | ${rate(f.consume)} | ${ms(f.latencyP50)} | ${ms(f.latencyP99)} | ${ratio} |`,
    );
  }
  if (notes.length > 0) lines.push('', ...notes);
  return `${lines.join('\n')}\n`;
}
