import { decode, encode } from '../codec.js';
import type { ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { Produce } from './produce.js';
import { decodeWithKafkajs, encodeWithKafkajs, kafkajsProtocolModule } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request = {
  transactionalId: 'checkout-tx',
  acks: -1,
  timeoutMs: 1500,
  topicData: [
    {
      name: 'orders',
      partitionData: [
        { index: 0, records: Buffer.from('0102030405', 'hex') },
        { index: 3, records: null },
      ],
    },
    { name: 'payments', partitionData: [{ index: 1, records: Buffer.from('ff', 'hex') }] },
  ],
};

const response: ResponseOf<typeof Produce> = {
  responses: [
    {
      name: 'orders',
      partitionResponses: [
        {
          index: 0,
          errorCode: 0,
          baseOffset: 1234567890123n,
          logAppendTimeMs: 1700000000000n,
          logStartOffset: 17n,
          recordErrors: [],
          errorMessage: null,
        },
        {
          index: 3,
          errorCode: 87,
          baseOffset: -1n,
          logAppendTimeMs: 5n,
          logStartOffset: 0n,
          recordErrors: [
            { batchIndex: 2, batchIndexErrorMessage: 'key is null on a compacted topic' },
            { batchIndex: 4, batchIndexErrorMessage: null },
          ],
          errorMessage: 'invalid record',
        },
      ],
    },
    { name: 'payments', partitionResponses: [] },
  ],
  throttleTimeMs: 40,
};

describe('Produce', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(Produce, request, response);
  });

  it('encodes a v3 request byte for byte, records untouched', () => {
    const bytes = encode(Produce.request, 3, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 30000,
      topicData: [{ name: 't', partitionData: [{ index: 2, records: Buffer.from('deadbeef', 'hex') }] }],
    });
    expect(bytes.toString('hex')).toBe(
      [
        'ffff', // transactionalId null
        '0001', // acks 1
        '00007530', // timeoutMs 30000
        '00000001', // topicData: 1
        '0001' + '74', // name "t"
        '00000001', // partitionData: 1
        '00000002', // index 2
        '00000004' + 'deadbeef', // records: int32 size, then the bytes as given
      ].join(''),
    );
  });

  it('decodes a v8 response byte for byte', () => {
    const bytes = Buffer.from(
      [
        '00000001', // responses: 1
        '0001' + '74', // name "t"
        '00000001', // partitionResponses: 1
        '00000000' + '0000', // index 0, errorCode 0
        '000000000000000a', // baseOffset 10
        'ffffffffffffffff', // logAppendTimeMs -1
        '0000000000000002', // logStartOffset 2
        '00000001' + '00000000' + 'ffff', // recordErrors: [{ batchIndex 0, batchIndexErrorMessage null }]
        '0002' + '6f6b', // errorMessage "ok"
        '00000064', // throttleTimeMs 100
      ].join(''),
      'hex',
    );
    expect(decode(Produce.response, 8, bytes)).toEqual({
      responses: [
        {
          name: 't',
          partitionResponses: [
            {
              index: 0,
              errorCode: 0,
              baseOffset: 10n,
              logAppendTimeMs: -1n,
              logStartOffset: 2n,
              recordErrors: [{ batchIndex: 0, batchIndexErrorMessage: null }],
              errorMessage: 'ok',
            },
          ],
        },
      ],
      throttleTimeMs: 100,
    });
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(Produce.request, request);
    expectEveryTruncationToThrow(Produce.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1, 2, 3, 4, 5, 6, 7];
    const timestamp = 1700000000000;
    const ordersMessages = [
      { key: 'k1', value: 'first', timestamp, headers: { trace: 'a' } },
      { key: null, value: 'second', timestamp: timestamp + 5 },
    ];
    const paymentsMessages = [{ key: 'k2', value: 'third', timestamp: timestamp + 9 }];

    type Message = (typeof ordersMessages)[number] | (typeof paymentsMessages)[number];
    type Encoder = { readonly buffer: Buffer };
    const MessageSet = kafkajsProtocolModule<(options: object) => Encoder>('messageSet/index.js');
    const { RecordBatch } = kafkajsProtocolModule<{ RecordBatch: (options: object) => Promise<Encoder> }>(
      'recordBatch/v0/index.js',
    );
    const Record = kafkajsProtocolModule<(options: object) => unknown>('recordBatch/record/v0/index.js');

    /** The records kafkajs builds for these messages at this version, built apart from any request. */
    async function kafkajsRecords(version: number, messages: readonly Message[]): Promise<Buffer> {
      if (version <= 1) return MessageSet({ messageVersion: 0, entries: messages }).buffer;
      if (version === 2) return MessageSet({ messageVersion: 1, compression: 0, entries: messages }).buffer;
      const first = messages[0]!.timestamp;
      const batch = await RecordBatch({
        records: messages.map((m, i) =>
          Record({ ...m, offsetDelta: i, timestampDelta: m.timestamp - first }),
        ),
        firstTimestamp: first,
        maxTimestamp: messages[messages.length - 1]!.timestamp,
        producerId: 4000,
        producerEpoch: 3,
        transactional: true,
        lastOffsetDelta: messages.length - 1,
      });
      return batch.buffer;
    }

    it.each(kafkajsVersions)(
      'decodes the v%i request kafkajs encodes, records byte for byte',
      async (version) => {
        const body = await encodeWithKafkajs('produce', version, {
          acks: -1,
          timeout: 1500,
          transactionalId: 'checkout-tx',
          producerId: 4000,
          producerEpoch: 3,
          topicData: [
            { topic: 'orders', partitions: [{ partition: 2, messages: ordersMessages }] },
            { topic: 'payments', partitions: [{ partition: 0, messages: paymentsMessages }] },
          ],
        });
        const decoded = decode(Produce.request, version, body);
        expect(decoded).toEqual({
          transactionalId: version >= 3 ? 'checkout-tx' : null,
          acks: -1,
          timeoutMs: 1500,
          topicData: [
            { name: 'orders', partitionData: [{ index: 2, records: expect.any(Buffer) }] },
            { name: 'payments', partitionData: [{ index: 0, records: expect.any(Buffer) }] },
          ],
        });
        const records = decoded.topicData.map((topic) => topic.partitionData[0]!.records!.toString('hex'));
        expect(records).toEqual([
          (await kafkajsRecords(version, ordersMessages)).toString('hex'),
          (await kafkajsRecords(version, paymentsMessages)).toString('hex'),
        ]);
      },
    );

    it.each(kafkajsVersions)('has kafkajs decode the v%i response we encode', async (version) => {
      const decoded = await decodeWithKafkajs(
        'produce',
        version,
        encode(Produce.response, version, response),
      );
      const offsets = (p: ResponseOf<typeof Produce>['responses'][number]['partitionResponses'][number]) =>
        version <= 2
          ? {
              offset: String(p.baseOffset),
              ...(version === 2 ? { timestamp: String(p.logAppendTimeMs) } : {}),
            }
          : {
              baseOffset: String(p.baseOffset),
              logAppendTime: String(p.logAppendTimeMs),
              ...(version >= 5 ? { logStartOffset: String(p.logStartOffset) } : {}),
            };
      const throttle =
        version >= 6
          ? { throttleTime: 0, clientSideThrottleTime: 40 }
          : version >= 1
            ? { throttleTime: 40 }
            : {};
      expect(decoded).toEqual({
        topics: response.responses.map((topic) => ({
          topicName: topic.name,
          partitions: topic.partitionResponses.map((p) => ({
            partition: p.index,
            errorCode: p.errorCode,
            ...offsets(p),
          })),
        })),
        ...throttle,
      });
    });
  });
});
