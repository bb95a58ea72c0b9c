import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, InitProducerId, Produce } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { batchOf, partitionResults, produceOf } from './produce-support/produce-requests.js';
import { readStoredBatches, recordsOf } from './produce-support/stored-batches.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

describe('Idempotent produce', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let client: RawClient;

  const start = async () => {
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    client = await RawClient.connect(broker.port);
  };
  const stop = async () => {
    client.close();
    await broker.close();
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-produce-idempotence-'));
    await start();
    await createTopic(client, 'idem', 1);
  });
  afterAll(stop);

  /** Every producer id handed out so far. */
  const handedOut: bigint[] = [];
  const initProducerId = async (version = 1) => {
    const response = await client.request(InitProducerId, version, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
    });
    expect(response).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 0 });
    handedOut.push(response.producerId);
    return response.producerId;
  };

  /** Sends a batch of `values` from producer `producerId` (epoch `epoch`) starting at `baseSequence`. */
  const send = async (producerId: bigint, epoch: number, baseSequence: number, values: string[]) => {
    const records = await batchOf(values, { producerId, producerEpoch: epoch, baseSequence });
    const response = await client.request(
      Produce,
      8,
      produceOf('idem', [{ index: 0, records }], { acks: -1 }),
    );
    const [result] = partitionResults(response);
    return { errorCode: result!.errorCode, baseOffset: result!.baseOffset };
  };

  let producerId: bigint;

  it('hands out a different producer id, with epoch 0, to every InitProducerId (v0 and v1)', async () => {
    const ids = [await initProducerId(0), await initProducerId(1), await initProducerId(1)];
    expect(new Set(ids).size).toBe(3);
    producerId = ids[2]!;
  });

  it('answers a retried batch NONE with its original offset, without writing it again', async () => {
    expect(await send(producerId, 0, 0, ['a', 'b', 'c'])).toEqual({
      errorCode: ErrorCode.NONE,
      baseOffset: 0n,
    });
    expect(await send(producerId, 0, 3, ['d'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 3n });
    expect(await send(producerId, 0, 0, ['a', 'b', 'c'])).toEqual({
      errorCode: ErrorCode.NONE,
      baseOffset: 0n,
    });
    expect(await send(producerId, 0, 3, ['d'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 3n });
    expect(await send(producerId, 0, 4, ['e'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 4n });
  });

  it('answers a sequence gap OUT_OF_ORDER_SEQUENCE_NUMBER and appends nothing', async () => {
    expect(await send(producerId, 0, 9, ['gap'])).toEqual({
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      baseOffset: -1n,
    });
    expect(await send(producerId, 0, 5, ['f'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 5n });
  });

  it('fences an older epoch with INVALID_PRODUCER_EPOCH once the producer bumped its epoch', async () => {
    const other = await initProducerId();
    expect((await send(other, 0, 0, ['o-0'])).errorCode).toBe(ErrorCode.NONE);
    expect((await send(other, 1, 0, ['o-1'])).errorCode).toBe(ErrorCode.NONE);
    expect((await send(other, 0, 1, ['o-stale'])).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('accepts any first sequence from a producer id it has no state for, as Kafka 2.5+ does', async () => {
    expect((await send(await initProducerId(), 0, 17, ['late'])).errorCode).toBe(ErrorCode.NONE);
  });

  it('refuses a transactional id in InitProducerId with TRANSACTIONAL_ID_AUTHORIZATION_FAILED', async () => {
    const response = await client.request(InitProducerId, 1, {
      transactionalId: 'txn',
      transactionTimeoutMs: 60_000,
    });
    expect(response).toEqual({
      throttleTimeMs: 0,
      errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      producerId: -1n,
      producerEpoch: -1,
    });
  });

  it('still recognises retries of batches written before a restart, and gives fresh producer ids after it', async () => {
    await stop();
    await start();
    expect(await send(producerId, 0, 3, ['d'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 3n });
    expect(await send(producerId, 0, 5, ['f'])).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 5n });
    expect((await send(producerId, 0, 8, ['gap'])).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const next = await send(producerId, 0, 6, ['g']);
    expect(next.errorCode).toBe(ErrorCode.NONE);
    const before = [...handedOut];
    const fresh = await initProducerId();
    expect(before.every((id) => id < fresh)).toBe(true);
  });

  it('stored each accepted batch exactly once', async () => {
    await stop();
    const values = recordsOf(await readStoredBatches(dataDir, 'idem', 0)).map(({ value }) => value);
    expect(values).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'o-0', 'o-1', 'late', 'g']);
  });
});
