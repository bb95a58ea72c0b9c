import {
  CompressionType,
  encodeRecordBatch,
  jsonDeserializer,
  type RecordInput,
  SerializationError,
  stringDeserializer,
} from '@runnel/protocol';
import type { MessageDeserializers } from './consumer-message.js';
import { type AbortedTransaction, decodeBatches, scanFetchedRecords } from './fetched-records.js';

/** What the consumer makes of a partition's fetched bytes: the scan in the Fetcher, then the decode in the runner. */
async function decodeFetchedRecords<K = Buffer | null, V = Buffer | null>(
  bytes: Buffer,
  topic: string,
  partition: number,
  fetchOffset: bigint,
  aborted: AbortedTransaction[] | null,
  deserializers: MessageDeserializers<K, V>,
) {
  const scanned = await scanFetchedRecords(bytes, fetchOffset, aborted);
  const messages = await decodeBatches(scanned.batches, fetchOffset, topic, partition, deserializers);
  return { messages, nextOffset: scanned.nextOffset, onlyPartialBatch: scanned.onlyPartialBatch };
}

const values = (n: number, from = 0): RecordInput[] =>
  Array.from({ length: n }, (_, i) => ({
    value: Buffer.from(`v${from + i}`),
    timestamp: 1_700_000_000_000 + i,
  }));

/** A transaction marker batch: one control record whose key is (version 0, type). */
async function marker(baseOffset: bigint, producerId: bigint, type: 0 | 1): Promise<Buffer> {
  const key = Buffer.alloc(4);
  key.writeInt16BE(type, 2);
  return encodeRecordBatch({
    records: [{ key, value: Buffer.alloc(6), timestamp: 1 }],
    baseOffset,
    producerId,
    producerEpoch: 0,
    transactional: true,
    isControl: true,
  });
}

const offsetsOf = (messages: { offset: bigint }[]) => messages.map((m) => Number(m.offset));

describe('scanFetchedRecords and decodeBatches', () => {
  it('hands over the records at and after the fetch offset, from the middle of a batch', async () => {
    const bytes = Buffer.concat([
      await encodeRecordBatch({ records: values(5), baseOffset: 10n }),
      await encodeRecordBatch({ records: values(5, 5), baseOffset: 15n }),
    ]);
    const { messages, nextOffset } = await decodeFetchedRecords(bytes, 't', 0, 12n, null, {});
    expect(offsetsOf(messages)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(messages[0]!.value!.toString()).toBe('v2');
    expect(messages[0]!.timestamp).toBe(1_700_000_000_002);
    expect(nextOffset).toBe(20n);
  });

  it('leaves a partial trailing batch for the next fetch', async () => {
    const first = await encodeRecordBatch({ records: values(3), baseOffset: 0n });
    const second = await encodeRecordBatch({ records: values(3, 3), baseOffset: 3n });
    const bytes = Buffer.concat([first, second.subarray(0, second.length - 7)]);
    const decoded = await decodeFetchedRecords(bytes, 't', 0, 0n, null, {});
    expect(offsetsOf(decoded.messages)).toEqual([0, 1, 2]);
    expect(decoded.nextOffset).toBe(3n);
    expect(decoded.onlyPartialBatch).toBe(false);
  });

  it('says so when the bytes hold only part of one batch', async () => {
    const batch = await encodeRecordBatch({ records: values(3), baseOffset: 7n });
    const decoded = await decodeFetchedRecords(batch.subarray(0, 40), 't', 0, 7n, null, {});
    expect(decoded.messages).toEqual([]);
    expect(decoded.nextOffset).toBe(7n);
    expect(decoded.onlyPartialBatch).toBe(true);
  });

  it('reads compressed batches', async () => {
    const bytes = await encodeRecordBatch({
      records: values(20),
      baseOffset: 0n,
      compression: CompressionType.Gzip,
    });
    const { messages } = await decodeFetchedRecords(bytes, 't', 0, 5n, null, {});
    expect(offsetsOf(messages)).toEqual(Array.from({ length: 15 }, (_, i) => i + 5));
  });

  it('passes control batches without handing them over', async () => {
    const bytes = Buffer.concat([
      await encodeRecordBatch({
        records: values(2),
        baseOffset: 0n,
        producerId: 7n,
        producerEpoch: 0,
        transactional: true,
      }),
      await marker(2n, 7n, 1),
      await encodeRecordBatch({ records: values(1, 3), baseOffset: 3n }),
    ]);
    const { messages, nextOffset } = await decodeFetchedRecords(bytes, 't', 0, 0n, [], {});
    expect(offsetsOf(messages)).toEqual([0, 1, 3]);
    expect(nextOffset).toBe(4n);
  });

  it('skips an aborted transaction up to its abort marker, and only that producer', async () => {
    const bytes = Buffer.concat([
      await encodeRecordBatch({
        records: values(2),
        baseOffset: 0n,
        producerId: 7n,
        producerEpoch: 0,
        transactional: true,
      }),
      await encodeRecordBatch({
        records: values(1, 2),
        baseOffset: 2n,
        producerId: 8n,
        producerEpoch: 0,
        transactional: true,
      }),
      await marker(3n, 7n, 0),
      await encodeRecordBatch({
        records: values(1, 4),
        baseOffset: 4n,
        producerId: 7n,
        producerEpoch: 0,
        transactional: true,
      }),
    ]);
    const aborted = [{ producerId: 7n, firstOffset: 0n }];
    const { messages } = await decodeFetchedRecords(bytes, 't', 0, 0n, aborted, {});
    expect(offsetsOf(messages)).toEqual([2, 4]);
  });

  it('gives headers by key, with repeated keys as arrays in order and no prototype', async () => {
    const bytes = await encodeRecordBatch({
      records: [
        {
          value: Buffer.from('x'),
          timestamp: 5,
          headers: [
            { key: 'a', value: Buffer.from('1') },
            { key: 'a', value: Buffer.from('2') },
            { key: '__proto__', value: null },
          ],
        },
      ],
    });
    const [message] = (await decodeFetchedRecords(bytes, 't', 0, 0n, null, {})).messages;
    expect(message!.headers.a).toEqual([Buffer.from('1'), Buffer.from('2')]);
    expect(Object.keys(message!.headers)).toEqual(['a', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(message!.headers, '__proto__')?.value).toBeNull();
  });

  it('runs the configured deserializers and names the record when one fails', async () => {
    const good = await encodeRecordBatch({
      records: [{ key: Buffer.from('k'), value: Buffer.from('{"n":1}'), timestamp: 1 }],
    });
    const deserializers = {
      keyDeserializer: stringDeserializer,
      valueDeserializer: jsonDeserializer<{ n: number }>(),
    };
    const [message] = (await decodeFetchedRecords(good, 't', 0, 0n, null, deserializers)).messages;
    expect(message).toMatchObject({ key: 'k', value: { n: 1 } });

    const bad = await encodeRecordBatch({
      records: [{ value: Buffer.from('{nope'), timestamp: 1 }],
      baseOffset: 9n,
    });
    const failure = decodeFetchedRecords(bad, 'orders', 3, 9n, null, deserializers);
    await expect(failure).rejects.toThrow(SerializationError);
    await expect(failure).rejects.toThrow(/topic 'orders' partition 3 offset 9/);
  });

  it('does not deserialize the records of the first batch below the fetch offset', async () => {
    // Offsets 20-21 hold bytes the JSON deserializer refuses; the fetch starts at 22.
    const bytes = await encodeRecordBatch({
      baseOffset: 20n,
      records: [
        { value: Buffer.from('{nope') },
        { value: Buffer.from('{nope') },
        { value: Buffer.from('{"n":2}') },
      ].map((r) => ({ ...r, timestamp: 1 })),
    });
    const { messages } = await decodeFetchedRecords(bytes, 't', 0, 22n, null, {
      valueDeserializer: jsonDeserializer<{ n: number }>(),
    });
    expect(messages).toEqual([{ key: null, value: { n: 2 }, headers: {}, timestamp: 1, offset: 22n }]);
  });
});
