import type { Row } from './peer.js';
import { RAW_DISK_ID, renderTable } from './report-table.js';

const row = (id: string, outcome: Row['outcome']): Row => ({
  id,
  system: `system ${id}`,
  label: id,
  client: `client ${id}`,
  durability: 'fsync | never',
  outcome,
});

describe('renderTable', () => {
  const rows: Row[] = [
    row(RAW_DISK_ID, { kind: 'ran', figures: { produce: 10_000_000 } }),
    row('broker', {
      kind: 'ran',
      figures: { produce: 500_000.4, consume: 1_234_567.8, latencyP50: 0.4567, latencyP99: 12.34 },
    }),
    row('absent', { kind: 'not-run', reason: 'redis-server is not on PATH' }),
    row('broken', { kind: 'failed', reason: 'stream holds 3 entries after 5 XADDs' }),
  ];
  const lines = renderTable(rows, 'Caption of the run.').split('\n');

  it('starts with the caption and a header whose columns the rows match', () => {
    expect(lines[0]).toBe('Caption of the run.');
    const columns = (line: string) => line.split(/(?<!\\)\|/).length;
    const header = lines[2]!;
    for (const line of lines.slice(3, 3 + rows.length)) expect(columns(line)).toBe(columns(header));
  });

  it('rounds rates to the record, latencies to two decimals below 10 ms, and sets produce against the raw disk', () => {
    expect(lines).toContain(
      '| system broker | client broker | fsync \\| never | 500,000 | 1,234,568 | 0.46 | 12.3 | 0.050 x |',
    );
    expect(lines).toContain(
      `| system ${RAW_DISK_ID} | client ${RAW_DISK_ID} | fsync \\| never | 10,000,000 | — | — | — | 1.000 x |`,
    );
  });

  it('marks rows that did not run or failed, and says why below the table', () => {
    expect(lines).toContain(
      '| system absent | client absent | fsync \\| never | not run | not run | not run | not run | — |',
    );
    expect(lines).toContain(
      '| system broken | client broken | fsync \\| never | failed | failed | failed | failed | — |',
    );
    expect(lines).toContain('- system absent (client absent) not run: redis-server is not on PATH');
    expect(lines).toContain('- system broken (client broken) failed: stream holds 3 entries after 5 XADDs');
  });

  it('leaves the ratio out when the raw disk row did not run', () => {
    const table = renderTable([rows[1]!], 'c');
    expect(table).toContain('| 0.46 | 12.3 | — |');
  });
});
