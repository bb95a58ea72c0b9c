import type { Row } from './peer.js';
import {
  caption,
  LATENCY_CHART,
  latencyChart,
  renderPeersSection,
  THROUGHPUT_CHART,
  throughputChart,
} from './report.js';

const run = {
  records: 1_000_000,
  latencyRate: 10_000,
  warmupSeconds: 1,
  latencySeconds: 3,
  startedAt: '2026-12-01T22:12Z',
  seconds: 151.4,
  node: '20.20.2',
  cores: 2,
  loadAtStart: 3.456,
  loadAtEnd: 1.2,
};

const rows: Row[] = [
  {
    id: 'raw_disk',
    system: 'raw disk append loop',
    label: 'raw disk (floor)',
    client: 'fs.writeSync',
    durability: 'page cache',
    outcome: { kind: 'ran', figures: { produce: 1e7 } },
  },
  {
    id: 'broker',
    system: 'Broker',
    label: 'Broker',
    client: 'client',
    durability: 'fsync',
    outcome: { kind: 'ran', figures: { produce: 1e5, consume: 1e6, latencyP50: 0.5, latencyP99: 5 } },
  },
  {
    id: 'absent',
    system: 'Absent',
    label: 'Absent',
    client: 'client',
    durability: 'memory',
    outcome: { kind: 'not-run', reason: 'absent is not on PATH' },
  },
];

describe('the peers section', () => {
  it("captions the run with its settings, its length and the machine's load", () => {
    expect(caption(run)).toBe(
      '1,000,000 records of 100 bytes produced then consumed per row; latency from send to receipt at ' +
        '10,000 records/s for 3 s after 1 s of warm-up. Run of 2026-12-01T22:12Z (151 s), Node 20.20.2, ' +
        '2 cores, load average 3.46 at the start and 1.20 at the end (1 minute; above 2 means other work shared the cores).',
    );
  });

  it('holds the table and points at both charts by their paths in the repository', () => {
    const section = renderPeersSection(rows, run);
    expect(section).toContain(caption(run));
    expect(section).toContain('| Broker | client | fsync | 100,000 | 1,000,000 | 0.50 | 5.00 | 0.010 x |');
    expect(section).toContain(`](${THROUGHPUT_CHART})`);
    expect(section).toContain(`](${LATENCY_CHART})`);
  });

  it('charts every row for throughput, and for latency only the rows that measure it or did not run', () => {
    expect(throughputChart(rows).groups).toEqual([
      { label: 'raw disk (floor)', values: [1e7, undefined], missing: 'not measured' },
      { label: 'Broker', values: [1e5, 1e6], missing: 'not measured' },
      { label: 'Absent', values: [undefined, undefined], missing: 'not run' },
    ]);
    expect(latencyChart(rows).groups.map((g) => g.label)).toEqual(['Broker', 'Absent']);
  });
});
