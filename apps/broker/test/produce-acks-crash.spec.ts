import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, Produce } from '@runnel/protocol';
import { BrokerProcess } from '../src/testing/index.js';
import { batchOf, produceOf } from './produce-support/produce-requests.js';
import { readStoredBatches, recordsOf } from './produce-support/stored-batches.js';
import { ConnectionClosedError, PipelinedConnection } from './support/pipelined-connection.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

const PRODUCERS = 3;
const IN_FLIGHT = 8;
/** The broker is killed from inside the callback of this acknowledgement, its peers still in flight. */
const KILL_AFTER_ACKS = 400;

/**
 * acks=1 under SIGKILL: the log queues appended batches for one write, and a producer is
 * answered only once its batch is written (in the page cache, which outlives the process). So
 * every acknowledged batch is found at its acknowledged offset after the kill, while requests
 * still in flight, appended or not, may be lost.
 */
describe('broker killed with SIGKILL while producers wait for acks=1', () => {
  let dataDir: string;
  let broker: BrokerProcess;
  const acknowledged = new Map<string, bigint>();
  let sent = 0;

  const producer = async (id: number) => {
    const connection = await PipelinedConnection.connect(broker.port, `acks-crash-${id}`);
    let next = 0;
    const slot = async () => {
      for (;;) {
        const values = Array.from({ length: 1 + (next % 3) }, () => `p${id}-${next++}`);
        sent++;
        const records = await batchOf(values);
        const response = await connection
          .send(Produce, 8, produceOf('acks1', [{ index: 0, records }], { acks: 1 }))
          .catch((err: unknown) => {
            if (err instanceof ConnectionClosedError && acknowledged.size >= KILL_AFTER_ACKS)
              return undefined;
            throw err;
          });
        if (response === undefined) return;
        const [result] = response.responses[0]!.partitionResponses;
        expect(result!.errorCode).toBe(ErrorCode.NONE);
        acknowledged.set(values.join(','), result!.baseOffset);
        if (acknowledged.size === KILL_AFTER_ACKS) broker.child.kill('SIGKILL');
      }
    };
    try {
      await Promise.all(Array.from({ length: IN_FLIGHT }, slot));
    } finally {
      connection.close();
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-acks-crash-'));
    broker = await BrokerProcess.start(dataDir);
    const admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'acks1', 1);
    admin.close();
    await Promise.all(Array.from({ length: PRODUCERS }, (_, id) => producer(id)));
    await broker.stop('SIGKILL');
  }, 30_000);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('died with requests unanswered, and kept every acknowledged batch at its offset', async () => {
    expect(broker.child.signalCode).toBe('SIGKILL');
    expect(sent).toBeGreaterThan(acknowledged.size);
    const stored = new Map<bigint, string>();
    for (const { offset, value } of recordsOf(await readStoredBatches(dataDir, 'acks1', 0))) {
      stored.set(offset, value);
    }
    const expected = [...acknowledged].flatMap(([joined, baseOffset]) =>
      joined.split(',').map((value, i) => [baseOffset + BigInt(i), value] as const),
    );
    expect(expected.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(expected.map(([offset]) => [offset, stored.get(offset)])).toEqual(expected);
  });
});
