import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, InitProducerId, Produce } from '@runnel/protocol';
import { BrokerProcess } from '../src/testing/index.js';
import { batchOf, partitionResults, produceOf } from './produce-support/produce-requests.js';
import { readStoredBatches, recordsOf } from './produce-support/stored-batches.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

/**
 * Idempotent-producer state across restarts of a broker in its own process: after SIGKILL it is
 * rebuilt from the log (and any roll snapshot), after SIGTERM it is loaded from the
 * `<logEndOffset>.snapshot` the clean shutdown wrote; either way a retry of the last batch
 * written before the restart is answered with its first offset and stored once.
 */
describe('Idempotent produce across broker restarts', () => {
  let dataDir: string;
  let broker: BrokerProcess;
  let client: RawClient;
  let producerId: bigint;

  const start = async () => {
    broker = await BrokerProcess.start(dataDir, broker === undefined ? [] : ['--port', String(broker.port)]);
    client = await RawClient.connect(broker.port);
  };
  const stop = async (signal: NodeJS.Signals) => {
    client.close();
    await broker.stop(signal);
  };
  const send = async (baseSequence: number, values: string[]) => {
    const records = await batchOf(values, { producerId, producerEpoch: 0, baseSequence });
    const response = await client.request(
      Produce,
      8,
      produceOf('idem', [{ index: 0, records }], { acks: -1 }),
    );
    const [result] = partitionResults(response);
    return { errorCode: result!.errorCode, baseOffset: result!.baseOffset };
  };
  const snapshots = () => readdirSync(join(dataDir, 'idem-0')).filter((name) => name.endsWith('.snapshot'));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-idempotence-restart-'));
    await start();
    await createTopic(client, 'idem', 1);
    const init = await client.request(InitProducerId, 1, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
    });
    producerId = init.producerId;
  });
  afterAll(async () => {
    client.close();
    await broker.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('deduplicates a retry of the last batch after SIGKILL', async () => {
    expect(await send(0, ['a', 'b'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 0n });
    expect(await send(2, ['c'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 2n });
    await stop('SIGKILL');
    await start();
    expect(await send(2, ['c'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 2n });
    expect((await send(5, ['gap'])).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await send(3, ['d'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 3n });
  });

  it('loads the snapshot of a clean shutdown and deduplicates a retry of the last batch', async () => {
    await stop('SIGTERM');
    expect(snapshots()).toEqual(['00000000000000000004.snapshot']);
    await start();
    expect(await send(3, ['d'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 3n });
    expect(await send(2, ['c'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 2n });
    expect(await send(4, ['e'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 4n });
  });

  it('stored each accepted batch exactly once', async () => {
    await stop('SIGTERM');
    const values = recordsOf(await readStoredBatches(dataDir, 'idem', 0)).map(({ value }) => value);
    expect(values).toEqual(['a', 'b', 'c', 'd', 'e']);
    await start();
  });
});
