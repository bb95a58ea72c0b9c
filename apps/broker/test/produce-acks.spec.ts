import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, encodeRequestFrame, Produce } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { batchOf, partitionResults, produceOf } from './produce-support/produce-requests.js';
import { readStoredBatches, recordsOf } from './produce-support/stored-batches.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

describe('Produce acks', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-produce-acks-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    client = await RawClient.connect(broker.port);
    for (const topic of ['one', 'none', 'all', 'timeout']) await createTopic(client, topic, 2);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const produce = async (topic: string, index: number, values: string[], acks = 1, version = 8) =>
    client.request(Produce, version, produceOf(topic, [{ index, records: await batchOf(values) }], { acks }));

  it('acks=1 answers each batch with its base offset, the log start offset and no append time', async () => {
    const first = await produce('one', 0, ['a', 'b', 'c']);
    const second = await produce('one', 0, ['d']);
    expect(first.responses[0]!.partitionResponses).toEqual([
      {
        index: 0,
        errorCode: ErrorCode.NONE,
        baseOffset: 0n,
        logAppendTimeMs: -1n,
        logStartOffset: 0n,
        recordErrors: [],
        errorMessage: null,
      },
    ]);
    expect(partitionResults(second)).toEqual([{ topic: 'one', index: 0, errorCode: 0, baseOffset: 3n }]);
  });

  it('answers every version from 3 to 8 with the fields that version has', async () => {
    for (let version = 3; version <= 8; version++) {
      const response = await produce('one', 1, [`v${version}`], 1, version);
      const [partition] = response.responses[0]!.partitionResponses;
      expect(partition).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: BigInt(version - 3) });
      expect(partition!.logStartOffset).toBe(version >= 5 ? 0n : -1n);
    }
  });

  it('acks=0 writes no response but appends: the next acks=1 request on the connection lands after it', async () => {
    const before = await produce('none', 0, ['first']);
    const body = produceOf('none', [{ index: 0, records: await batchOf(['x', 'y', 'z']) }], { acks: 0 });
    client.write(encodeRequestFrame(Produce, 8, { correlationId: 1_000_000, clientId: 'acks-0' }, body));
    const after = await produce('none', 0, ['last']);
    expect(partitionResults(before)[0]!.baseOffset).toBe(0n);
    expect(partitionResults(after)[0]!.baseOffset).toBe(4n);
  });

  it('acks=0 closes the connection when a partition fails, the only way to tell the producer', async () => {
    const other = await RawClient.connect(broker.port);
    const body = produceOf('no-such-topic', [{ index: 0, records: await batchOf(['lost']) }], { acks: 0 });
    other.write(encodeRequestFrame(Produce, 8, { correlationId: 1, clientId: 'acks-0' }, body));
    await expect(other.nextFrame()).resolves.toBeUndefined();
    expect(partitionResults(await produce('none', 1, ['still served']))[0]!.errorCode).toBe(ErrorCode.NONE);
  });

  it('acks=-1 from many connections at once: every request succeeds and the offsets are contiguous', async () => {
    const connections = await Promise.all(Array.from({ length: 8 }, () => RawClient.connect(broker.port)));
    const requestsEach = 5;
    const baseOffsets = await Promise.all(
      connections.map(async (connection, c) => {
        const offsets: bigint[] = [];
        for (let r = 0; r < requestsEach; r++) {
          const records = await batchOf([`c${c}-r${r}-a`, `c${c}-r${r}-b`]);
          const response = await connection.request(
            Produce,
            8,
            produceOf('all', [{ index: 0, records }], { acks: -1 }),
          );
          const [result] = partitionResults(response);
          expect(result!.errorCode).toBe(ErrorCode.NONE);
          offsets.push(result!.baseOffset);
        }
        connection.close();
        return offsets;
      }),
    );
    const sorted = baseOffsets.flat().sort((a, b) => (a < b ? -1 : 1));
    expect(sorted).toEqual(Array.from({ length: 8 * requestsEach }, (_, i) => BigInt(2 * i)));
  });

  it('acks=-1 with no time to wait for the fsync answers REQUEST_TIMED_OUT, the records staying appended', async () => {
    const records = await batchOf(['slow']);
    const response = await client.request(
      Produce,
      8,
      produceOf('timeout', [{ index: 0, records }], { acks: -1, timeoutMs: 0 }),
    );
    const [partition] = response.responses[0]!.partitionResponses;
    expect(partition).toMatchObject({ errorCode: ErrorCode.REQUEST_TIMED_OUT, baseOffset: 0n });
    expect(partition!.errorMessage).toMatch(/not fsynced within timeoutMs/);
    expect(partitionResults(await produce('timeout', 0, ['next']))[0]!.baseOffset).toBe(1n);
  });

  it('keeps the records of every acks mode in the log, in offset order', async () => {
    client.close();
    await broker.close();
    const stored = recordsOf(await readStoredBatches(dataDir, 'none', 0));
    expect(stored.map(({ offset, value }) => [offset, value])).toEqual([
      [0n, 'first'],
      [1n, 'x'],
      [2n, 'y'],
      [3n, 'z'],
      [4n, 'last'],
    ]);
    expect(recordsOf(await readStoredBatches(dataDir, 'all', 0))).toHaveLength(80);
  });
});
