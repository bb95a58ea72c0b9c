import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latencyRecord, RECORD_BYTES, sequenceOf, Workload } from './workload.js';

describe('Workload', () => {
  const workload = new Workload(1000);

  it('holds records of RECORD_BYTES printable bytes, each starting with its sequence number', () => {
    expect(workload.bytes.length).toBe(1000 * RECORD_BYTES);
    for (const i of [0, 1, 999]) {
      const record = workload.record(i);
      expect(record.length).toBe(RECORD_BYTES);
      expect(sequenceOf(record)).toBe(i);
      expect(record.toString('latin1')).toMatch(/^[0-9A-Za-z_-]{100}$/);
    }
  });

  it('writes them one a line, the same bytes as the buffer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'workload-spec-'));
    try {
      workload.writeLines(join(dir, 'records.txt'));
      const lines = readFileSync(join(dir, 'records.txt'), 'latin1').split('\n');
      expect(lines).toHaveLength(1001);
      expect(lines.at(-1)).toBe('');
      expect(lines.slice(0, 1000).join('')).toBe(workload.bytes.toString('latin1'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sequenceOf', () => {
  it('reads a latency record, as bytes or as a line of text', () => {
    expect(sequenceOf(latencyRecord(42))).toBe(42);
    expect(sequenceOf(latencyRecord(42).toString('latin1'))).toBe(42);
    expect(latencyRecord(42).length).toBe(RECORD_BYTES);
  });

  it('is NaN for a record that does not start with ten digits', () => {
    expect(sequenceOf('end')).toBeNaN();
    expect(sequenceOf(Buffer.from('12345abcdefghij'))).toBeNaN();
  });
});
