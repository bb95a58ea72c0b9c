import { appendFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../src/index.js';
import { BrokerProcess } from '../src/testing/index.js';

/** A LoggerService that keeps every line, with its level, for the test to read. */
class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown) {
    this.lines.push(`log ${String(message)}`);
  }
  warn(message: unknown) {
    this.lines.push(`warn ${String(message)}`);
  }
  error(message: unknown) {
    this.lines.push(`error ${String(message)}`);
  }
}

/** A partition with `records` acknowledged records, left by a broker killed with SIGKILL. */
async function killedWithRecords(topic: string, records: number): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-recovery-'));
  const broker = await BrokerProcess.start(dataDir);
  try {
    const producer = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: records }, (_, i) => ({ value: `v${i}` })),
    });
    await producer.disconnect();
  } finally {
    await broker.stop('SIGKILL');
  }
  return dataDir;
}

describe('recovery after an unclean shutdown', () => {
  it('logs, per partition, the bytes truncated from a torn tail and the indexes rebuilt', async () => {
    const dataDir = await killedWithRecords('torn', 5);
    const segment = join(dataDir, 'torn-0', '00000000000000000000.log');
    const acknowledgedBytes = statSync(segment).size;
    // A write the crash cut short: the start of a batch header that never got its body.
    const TORN = 37;
    appendFileSync(segment, Buffer.alloc(TORN, 0x42));

    const logger = new RecordingLogger();
    const broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger });
    try {
      const recovery = logger.lines.filter((line) => line.includes('torn-0'));
      const torn = `${TORN} bytes at position ${acknowledgedBytes} of ${segment} are less than a batch header`;
      expect(recovery).toEqual([
        `warn torn-0: recovered after an unclean shutdown: 1 segment(s) checked and their indexes rebuilt, ${TORN} bytes truncated, 0 segment(s) deleted, log end offset 5 (segment 0 needs recovery: ${torn}; unclean shutdown: recovering from segment 0 (recovery point 0); segment 0: ${torn}; truncated ${TORN} bytes)`,
      ]);
      expect(logger.lines).toContain('warn recovered 1 partition(s) after an unclean shutdown');
      expect(statSync(segment).size).toBe(acknowledgedBytes);
    } finally {
      await broker.close();
    }
  }, 20_000);

  it('logs the partitions it checked after a SIGKILL with nothing to repair, at log level', async () => {
    const dataDir = await killedWithRecords('whole', 3);
    const logger = new RecordingLogger();
    const broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger });
    await broker.close();
    expect(logger.lines.filter((line) => line.includes('whole-0'))).toEqual([
      expect.stringMatching(
        /^log whole-0: recovered after an unclean shutdown: 1 segment\(s\) checked and their indexes rebuilt, 0 bytes truncated, 0 segment\(s\) deleted, log end offset 3 /,
      ),
    ]);
  }, 20_000);

  it('logs nothing about a partition after a clean shutdown', async () => {
    const dataDir = await killedWithRecords('clean', 2);
    const first = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    await first.close();
    const logger = new RecordingLogger();
    const broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger });
    await broker.close();
    expect(logger.lines.filter((line) => line.includes('recovered'))).toEqual([]);
  }, 20_000);
});
