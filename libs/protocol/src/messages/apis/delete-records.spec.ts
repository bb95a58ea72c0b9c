import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { DeleteRecords } from './delete-records.js';
import { encodeWithKafkajs, kafkajsProtocolModule } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof DeleteRecords> = {
  topics: [
    {
      name: 'orders',
      partitions: [
        { partitionIndex: 0, offset: 120n },
        { partitionIndex: 2, offset: -1n },
      ],
    },
    { name: 'payments', partitions: [{ partitionIndex: 1, offset: 9007199254740993n }] },
  ],
  timeoutMs: 7000,
};

const response: ResponseOf<typeof DeleteRecords> = {
  throttleTimeMs: 4,
  topics: [
    {
      name: 'orders',
      partitions: [
        { partitionIndex: 0, lowWatermark: 120n, errorCode: 0 },
        { partitionIndex: 2, lowWatermark: 300n, errorCode: 0 },
      ],
    },
    { name: 'payments', partitions: [{ partitionIndex: 1, lowWatermark: -1n, errorCode: 1 }] },
  ],
};

/** kafkajs's DeleteRecords response modules are built from the request's topics, for its errors. */
type KafkajsDeleteRecordsResponse = (request: { topics: unknown[] }) => {
  decode(body: Buffer): Promise<unknown>;
  parse(decoded: unknown): Promise<unknown>;
};

describe('DeleteRecords', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(DeleteRecords, request, response);
  });

  it('encodes a v0 request byte for byte', () => {
    const bytes = encode(DeleteRecords.request, 0, {
      topics: [{ name: 't', partitions: [{ partitionIndex: 1, offset: 256n }] }],
      timeoutMs: 1000,
    });
    expect(bytes.toString('hex')).toBe(
      [
        '00000001', // topics: 1
        '0001' + '74', // name "t"
        '00000001', // partitions: 1
        '00000001', // partitionIndex 1
        '0000000000000100', // offset 256
        '000003e8', // timeoutMs 1000
      ].join(''),
    );
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(DeleteRecords.request, request);
    expectEveryTruncationToThrow(DeleteRecords.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1];
    const kafkajsTopics = request.topics.map(({ name, partitions }) => ({
      topic: name,
      partitions: partitions.map((p) => ({ partition: p.partitionIndex, offset: String(p.offset) })),
    }));

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const body = await encodeWithKafkajs('deleteRecords', version, {
        topics: kafkajsTopics,
        timeout: request.timeoutMs,
      });
      expect(decode(DeleteRecords.request, version, body)).toEqual(request);
    });

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const ok = {
        ...response,
        topics: response.topics.map((t) => ({
          ...t,
          partitions: t.partitions.map((p) => ({ ...p, errorCode: 0 })),
        })),
      };
      const kafkajs = kafkajsProtocolModule<KafkajsDeleteRecordsResponse>(
        `requests/deleteRecords/v${version}/response.js`,
      )({ topics: kafkajsTopics });
      const parsed = await kafkajs.parse(await kafkajs.decode(encode(DeleteRecords.response, version, ok)));
      expect(parsed).toEqual({
        ...(version === 1 ? { throttleTime: 0, clientSideThrottleTime: 4 } : { throttleTime: 4 }),
        topics: ok.topics.map(({ name, partitions }) => ({
          topic: name,
          partitions: partitions.map((p) => ({
            partition: p.partitionIndex,
            lowWatermark: p.lowWatermark,
            errorCode: 0,
          })),
        })),
      });
    });
  });
});
