import { mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { PartitionLog } from '@runnel/log-store';
import { encodeRecordBatch } from '@runnel/protocol';
import {
  formatHighWatermarks,
  HighWatermarkCheckpoints,
  type PartitionHighWatermark,
  parseHighWatermarks,
  REPLICATION_OFFSET_CHECKPOINT_FILE,
  readHighWatermarks,
  writeHighWatermarks,
} from './high-watermark-checkpoint.js';

/** A file as Kafka's ReplicaManager writes it (OffsetCheckpointFile, version 0). */
const KAFKA_FILE = '0\n3\norders 0 1200\norders 1 977\n__consumer_offsets 17 0\n';
const KAFKA_ENTRIES: PartitionHighWatermark[] = [
  { topic: 'orders', partition: 0, offset: 1200n },
  { topic: 'orders', partition: 1, offset: 977n },
  { topic: '__consumer_offsets', partition: 17, offset: 0n },
];

const records = (count: number) =>
  encodeRecordBatch({
    records: Array.from({ length: count }, () => ({ value: Buffer.from('v'), timestamp: 1 })),
  });

/** A LoggerService that keeps what it is told. */
function recordingLogger(): LoggerService & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, log: () => undefined, error: () => undefined, warn: (m: string) => warnings.push(m) };
}

describe('replication-offset-checkpoint', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runnel-hw-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and writes Kafka’s format', () => {
    expect(parseHighWatermarks(KAFKA_FILE)).toEqual(KAFKA_ENTRIES);
    expect(formatHighWatermarks(KAFKA_ENTRIES)).toBe(KAFKA_FILE);
    expect(formatHighWatermarks([])).toBe('0\n0\n');
    expect(parseHighWatermarks('0\n0\n')).toEqual([]);
  });

  it('refuses what is not that format, naming the line', () => {
    expect(() => parseHighWatermarks('1\n0\n')).toThrow('line 1 is "1", not the version 0');
    expect(() => parseHighWatermarks('0\n2\norders 0 1\n')).toThrow('line 2 is "2", but 1 entries follow');
    expect(() => parseHighWatermarks('0\n1\norders 0 -1\n')).toThrow(
      'line 3 is "orders 0 -1", not "<topic> <partition> <offset>"',
    );
    expect(() => parseHighWatermarks('0\n1\nord/ers 0 1\n')).toThrow('line 3');
    expect(() => parseHighWatermarks('0\n1\norders 0 1 2\n')).toThrow('line 3');
    expect(() => parseHighWatermarks('0\n1\norders 2147483648 1\n')).toThrow('line 3');
    expect(() => parseHighWatermarks('0\n1\norders 0 9223372036854775808\n')).toThrow('line 3');
  });

  it('aTornFileNeverYieldsAHigherHighWatermark', () => {
    // Cut at every byte: refused, or (a cut inside the last offset's digits, or of the final
    // newline) the same partitions at offsets no higher than written.
    for (let cut = 0; cut < KAFKA_FILE.length; cut++) {
      let parsed: PartitionHighWatermark[];
      try {
        parsed = parseHighWatermarks(KAFKA_FILE.slice(0, cut));
      } catch {
        continue;
      }
      expect(parsed.map((e) => [e.topic, e.partition])).toEqual(
        KAFKA_ENTRIES.map((e) => [e.topic, e.partition]),
      );
      for (const [i, e] of parsed.entries()) expect(e.offset).toBeLessThanOrEqual(KAFKA_ENTRIES[i]!.offset);
    }
  });

  it('writesAtomicallyAndReadsBack', async () => {
    expect(readHighWatermarks(dir)).toEqual({ entries: [] });
    await writeHighWatermarks(dir, KAFKA_ENTRIES);
    expect(readFileSync(join(dir, REPLICATION_OFFSET_CHECKPOINT_FILE), 'utf8')).toBe(KAFKA_FILE);
    expect(readdirSync(dir)).toEqual([REPLICATION_OFFSET_CHECKPOINT_FILE]);
    await writeHighWatermarks(dir, KAFKA_ENTRIES.slice(1));
    expect(readHighWatermarks(dir)).toEqual({ entries: KAFKA_ENTRIES.slice(1) });
  });

  it('readsADamagedFileAsNoEntriesAndSaysWhy', () => {
    writeFileSync(join(dir, REPLICATION_OFFSET_CHECKPOINT_FILE), '0\n2\norders 0 12');
    const read = readHighWatermarks(dir);
    expect(read.entries).toEqual([]);
    expect(read.problem).toMatch(
      /replication-offset-checkpoint does not parse \(line 2 is "2", but 1 entries follow\)/,
    );
  });

  describe('HighWatermarkCheckpoints', () => {
    const logs = new Map<string, PartitionLog>();
    const openLog = async (name: string, count: number) => {
      const log = PartitionLog.open(join(dir, name));
      if (count > 0) log.append(await records(count));
      logs.set(name, log);
      return log;
    };
    const current = (topic: string, partition: number) => logs.get(`${topic}-${partition}`);
    afterEach(async () => {
      await Promise.all([...logs.values()].map((log) => log.close()));
      logs.clear();
    });

    it('startsEachHeldLogAtItsCheckpointedHighWatermarkCappedAtTheLogEnd', async () => {
      writeFileSync(join(dir, REPLICATION_OFFSET_CHECKPOINT_FILE), '0\n2\nt 0 3\nt 1 50\n');
      const [t0, t1, t2] = [await openLog('t-0', 10), await openLog('t-1', 10), await openLog('t-2', 10)];
      const logger = recordingLogger();
      const checkpoints = new HighWatermarkCheckpoints(dir, 60_000, current, logger);
      checkpoints.hold('t', 0, t0);
      checkpoints.hold('t', 1, t1);
      checkpoints.hold('t', 2, t2);
      expect([t0.highWatermark, t1.highWatermark, t2.highWatermark]).toEqual([3n, 10n, 0n]);
      // Held: an append leaves it; a second hold changes nothing.
      t0.append(await records(1));
      checkpoints.hold('t', 0, t0);
      expect(t0.highWatermark).toBe(3n);
      expect(logger.warnings).toEqual([]);

      t0.advanceHighWatermark(7n);
      await checkpoints.close();
      expect(readHighWatermarks(dir).entries).toEqual([
        { topic: 't', partition: 0, offset: 7n },
        { topic: 't', partition: 1, offset: 10n },
        { topic: 't', partition: 2, offset: 0n },
      ]);
    });

    it('keepsCheckpointedEntriesNoLogTookYetAndDropsLogsNoLongerHosted', async () => {
      writeFileSync(join(dir, REPLICATION_OFFSET_CHECKPOINT_FILE), '0\n2\nt 0 3\nt 1 5\n');
      const t0 = await openLog('t-0', 10);
      await openLog('t-1', 10);
      const checkpoints = new HighWatermarkCheckpoints(dir, 60_000, current, recordingLogger());
      checkpoints.hold('t', 0, t0);
      await checkpoints.write();
      expect(readHighWatermarks(dir).entries).toEqual([
        { topic: 't', partition: 0, offset: 3n },
        { topic: 't', partition: 1, offset: 5n },
      ]);
      // t-0 is deleted (its log is no longer the partition's) and t-1's log goes too.
      await logs.get('t-0')!.close();
      logs.delete('t-0');
      await logs.get('t-1')!.close();
      logs.delete('t-1');
      await checkpoints.close();
      expect(readHighWatermarks(dir).entries).toEqual([]);
    });

    it('writesEveryIntervalWithoutBeingAsked', async () => {
      const t0 = await openLog('t-0', 4);
      const checkpoints = new HighWatermarkCheckpoints(dir, 20, current, recordingLogger());
      checkpoints.hold('t', 0, t0);
      t0.advanceHighWatermark(4n);
      // The file appears by its rename, which the directory's watcher reports.
      await new Promise<void>((resolve) => {
        const watcher = watch(dir, (_, name) => {
          if (name !== REPLICATION_OFFSET_CHECKPOINT_FILE) return;
          watcher.close();
          resolve();
        });
      });
      expect(readFileSync(join(dir, REPLICATION_OFFSET_CHECKPOINT_FILE), 'utf8')).toBe('0\n1\nt 0 4\n');
      await checkpoints.close();
    });

    it('aDamagedFileIsWarnedOnceAndEveryLogStartsAtItsLogStartOffset', async () => {
      writeFileSync(join(dir, REPLICATION_OFFSET_CHECKPOINT_FILE), '0\n1\nt 0');
      const [t0, t1] = [await openLog('t-0', 10), await openLog('t-1', 10)];
      t1.deleteRecordsBefore(4n);
      const logger = recordingLogger();
      const checkpoints = new HighWatermarkCheckpoints(dir, 60_000, current, logger);
      checkpoints.hold('t', 0, t0);
      checkpoints.hold('t', 1, t1);
      expect([t0.highWatermark, t1.highWatermark]).toEqual([0n, 4n]);
      expect(logger.warnings).toEqual([
        expect.stringMatching(
          /replication-offset-checkpoint does not parse \(line 3 is "t 0", not .*\): every partition's high watermark starts at its log start offset$/,
        ),
      ]);
      await checkpoints.close();
      expect(readFileSync(join(dir, REPLICATION_OFFSET_CHECKPOINT_FILE), 'utf8')).toBe(
        '0\n2\nt 0 0\nt 1 4\n',
      );
    });
  });
});
