import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchLayout, CreateTopics, ErrorCode, Produce } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { batchOf, partitionResults, produceOf } from './produce-support/produce-requests.js';
import { readStoredBatches, recordsOf } from './produce-support/stored-batches.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

/**
 * A legacy message set (magic 1, Kafka 0.10) of one message, as a pre-0.11 producer sends it:
 * offset (8), size (4), crc (4), magic (1), attributes (1), timestamp (8), key (-1), value.
 */
function legacyMessageSet(value: string): Buffer {
  const body = Buffer.alloc(4 + 1 + 1 + 8 + 4 + 4 + value.length);
  body.writeInt8(1, 4);
  body.writeBigInt64BE(BigInt(Date.now()), 6);
  body.writeInt32BE(-1, 14);
  body.writeInt32BE(value.length, 18);
  body.write(value, 22);
  const prefix = Buffer.alloc(12);
  prefix.writeInt32BE(body.length, 8);
  return Buffer.concat([prefix, body]);
}

describe('Produce errors', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-produce-errors-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    client = await RawClient.connect(broker.port);
    await createTopic(client, 'bad', 3);
    const { topics } = await client.request(CreateTopics, 4, {
      topics: [
        {
          name: 'small',
          numPartitions: 1,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: 'max.message.bytes', value: '200' }],
        },
      ],
      timeoutMs: 10_000,
    });
    expect(topics[0]!.errorCode).toBe(ErrorCode.NONE);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const produceOne = async (topic: string, records: Buffer | null, options = {}, version = 8) => {
    const response = await client.request(
      Produce,
      version,
      produceOf(topic, [{ index: 0, records }], options),
    );
    return response.responses[0]!.partitionResponses[0]!;
  };

  it('answers a batch whose CRC does not match CORRUPT_MESSAGE, saying so', async () => {
    const batch = await batchOf(['tampered']);
    batch[batch.length - 1]! ^= 0x01;
    const partition = await produceOne('bad', batch);
    expect(partition).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1n });
    expect(partition.errorMessage).toMatch(/CRC/);
  });

  it('answers a legacy message set UNSUPPORTED_FOR_MESSAGE_FORMAT', async () => {
    const partition = await produceOne('bad', legacyMessageSet('old'));
    expect(partition.errorCode).toBe(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    expect(partition.errorMessage).toMatch(/legacy message set/);
  });

  it('answers a batch over the topic’s max.message.bytes MESSAGE_TOO_LARGE', async () => {
    expect((await produceOne('small', await batchOf(['fits']))).errorCode).toBe(ErrorCode.NONE);
    const partition = await produceOne('small', await batchOf(['x'.repeat(300)]));
    expect(partition.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(partition.errorMessage).toMatch(/max\.message\.bytes \(200\)/);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a topic or partition that does not exist, creating nothing', async () => {
    expect((await produceOne('never-created', await batchOf(['a']))).errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    const response = await client.request(
      Produce,
      8,
      produceOf('bad', [{ index: 3, records: await batchOf(['a']) }]),
    );
    expect(partitionResults(response)[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produceOne('never-created', await batchOf(['a']))).errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  });

  it('answers INVALID_RECORD for null records and for two batches in one partition', async () => {
    expect((await produceOne('bad', null)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    const two = Buffer.concat([await batchOf(['a']), await batchOf(['b'])]);
    expect((await produceOne('bad', two)).errorCode).toBe(ErrorCode.INVALID_RECORD);
  });

  it('answers every partition INVALID_REQUIRED_ACKS for acks other than 0, 1 and -1, and appends nothing', async () => {
    const response = await client.request(
      Produce,
      8,
      produceOf(
        'bad',
        [
          { index: 1, records: await batchOf(['a']) },
          { index: 2, records: await batchOf(['b']) },
        ],
        { acks: 2 },
      ),
    );
    expect(partitionResults(response).map(({ errorCode }) => errorCode)).toEqual([
      ErrorCode.INVALID_REQUIRED_ACKS,
      ErrorCode.INVALID_REQUIRED_ACKS,
    ]);
  });

  it('refuses a transactional producer with TRANSACTIONAL_ID_AUTHORIZATION_FAILED', async () => {
    const partition = await produceOne('bad', await batchOf(['a']), { transactionalId: 'txn-1' });
    expect(partition.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    expect(partition.errorMessage).toMatch(/does not support transactions/);
  });

  it('answers Produce v0-2 (legacy message sets) UNSUPPORTED_VERSION on every partition', async () => {
    for (const version of [0, 1, 2]) {
      const partition = await produceOne('bad', legacyMessageSet('old'), {}, version);
      expect(partition.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    }
  });

  it('fails only the bad partitions of a request and appends the others', async () => {
    const corrupt = await batchOf(['corrupt']);
    corrupt.writeInt8(1, BatchLayout.MAGIC);
    const response = await client.request(Produce, 8, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 30_000,
      topicData: [
        {
          name: 'bad',
          partitionData: [
            { index: 0, records: corrupt },
            { index: 1, records: await batchOf(['good-1']) },
            { index: 7, records: await batchOf(['nowhere']) },
          ],
        },
        { name: 'missing', partitionData: [{ index: 0, records: await batchOf(['nowhere']) }] },
        { name: 'small', partitionData: [{ index: 0, records: await batchOf(['good-2']) }] },
      ],
    });
    expect(partitionResults(response)).toEqual([
      { topic: 'bad', index: 0, errorCode: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, baseOffset: -1n },
      { topic: 'bad', index: 1, errorCode: ErrorCode.NONE, baseOffset: 0n },
      { topic: 'bad', index: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1n },
      { topic: 'missing', index: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1n },
      { topic: 'small', index: 0, errorCode: ErrorCode.NONE, baseOffset: 1n },
    ]);
  });

  it('keeps serving after all of these, and stored only what it accepted', async () => {
    expect((await produceOne('bad', await batchOf(['after']))).errorCode).toBe(ErrorCode.NONE);
    client.close();
    await broker.close();
    expect(recordsOf(await readStoredBatches(dataDir, 'bad', 0)).map(({ value }) => value)).toEqual([
      'after',
    ]);
    expect(recordsOf(await readStoredBatches(dataDir, 'bad', 1)).map(({ value }) => value)).toEqual([
      'good-1',
    ]);
    expect(await readStoredBatches(dataDir, 'bad', 2)).toEqual([]);
  });
});
