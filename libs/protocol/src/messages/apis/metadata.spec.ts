import { ProtocolError } from '../../errors/protocol-error.js';
import { decode, encode } from '../codec.js';
import type { ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { Metadata } from './metadata.js';
import { encodeWithKafkajs, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request = {
  topics: [{ name: 'orders' }, { name: 'payments' }],
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: true,
  includeTopicAuthorizedOperations: true,
};

const response: ResponseOf<typeof Metadata> = {
  throttleTimeMs: 25,
  brokers: [
    { nodeId: 1, host: 'broker-1', port: 9092, rack: 'rack-a' },
    { nodeId: 2, host: 'broker-2', port: 9093, rack: null },
  ],
  clusterId: 'cluster-7',
  controllerId: 2,
  topics: [
    {
      errorCode: 0,
      name: 'orders',
      isInternal: true,
      partitions: [
        {
          errorCode: 0,
          partitionIndex: 0,
          leaderId: 1,
          leaderEpoch: 4,
          replicaNodes: [1, 2],
          isrNodes: [1],
          offlineReplicas: [2],
        },
        {
          errorCode: 0,
          partitionIndex: 1,
          leaderId: 2,
          leaderEpoch: 5,
          replicaNodes: [2, 1],
          isrNodes: [2, 1],
          offlineReplicas: [],
        },
      ],
      topicAuthorizedOperations: 0x0df8,
    },
    { errorCode: 0, name: 'payments', isInternal: false, partitions: [], topicAuthorizedOperations: 8 },
  ],
  clusterAuthorizedOperations: 0x0c00,
};

describe('Metadata', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(Metadata, request, response);
  });

  it('encodes a v1 request byte for byte', () => {
    // topics: array of 1 | name: int16 length 6, "orders"
    expect(encode(Metadata.request, 1, { topics: [{ name: 'orders' }] }).toString('hex')).toBe(
      '00000001' + '0006' + '6f7264657273',
    );
  });

  it('asks for every topic with a null list from v1, which v0 cannot express', () => {
    for (let version = 1; version <= 8; version++) {
      const bytes = encode(Metadata.request, version, { topics: null });
      expect(bytes.subarray(0, 4).toString('hex')).toBe('ffffffff');
      expect(decode(Metadata.request, version, bytes).topics).toBeNull();
    }
    expect(() => encode(Metadata.request, 0, { topics: null })).toThrow(ProtocolError);
    expect(() => decode(Metadata.request, 0, Buffer.from('ffffffff', 'hex'))).toThrow(ProtocolError);
  });

  it('decodes a v7 response byte for byte', () => {
    const bytes = Buffer.from(
      [
        '00000000', // throttleTimeMs 0
        '00000001', // brokers: 1
        '00000003' + '0001' + '68' + '00002384' + 'ffff', // nodeId 3, host "h", port 9092, rack null
        '0001' + '63', // clusterId "c"
        '00000003', // controllerId 3
        '00000001', // topics: 1
        '0000' + '0001' + '74' + '00', // errorCode 0, name "t", isInternal false
        '00000001', // partitions: 1
        '0000' + '00000000' + '00000003' + '00000009', // errorCode, partitionIndex 0, leaderId 3, leaderEpoch 9
        '00000001' + '00000003', // replicaNodes [3]
        '00000001' + '00000003', // isrNodes [3]
        '00000000', // offlineReplicas []
      ].join(''),
      'hex',
    );
    expect(decode(Metadata.response, 7, bytes)).toEqual({
      throttleTimeMs: 0,
      brokers: [{ nodeId: 3, host: 'h', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 3,
      topics: [
        {
          errorCode: 0,
          name: 't',
          isInternal: false,
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 3,
              leaderEpoch: 9,
              replicaNodes: [3],
              isrNodes: [3],
              offlineReplicas: [],
            },
          ],
          topicAuthorizedOperations: -2147483648,
        },
      ],
      clusterAuthorizedOperations: -2147483648,
    });
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(Metadata.request, request);
    expectEveryTruncationToThrow(Metadata.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1, 2, 3, 4, 5, 6];

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const body = await encodeWithKafkajs('metadata', version, {
        topics: ['orders', 'payments'],
        allowAutoTopicCreation: false,
      });
      expect(decode(Metadata.request, version, body)).toEqual({
        topics: [{ name: 'orders' }, { name: 'payments' }],
        allowAutoTopicCreation: version < 4,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
    });

    it('reads the empty topic list kafkajs sends from v1 as null: all topics', async () => {
      const body = await encodeWithKafkajs('metadata', 1, { topics: [] });
      expect(decode(Metadata.request, 1, body).topics).toBeNull();
    });

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const parsed = await parseWithKafkajs(
        'metadata',
        version,
        encode(Metadata.response, version, response),
      );
      const throttle =
        version >= 6
          ? { throttleTime: 0, clientSideThrottleTime: 25 }
          : version >= 3
            ? { throttleTime: 25 }
            : {};
      expect(parsed).toEqual({
        ...throttle,
        brokers: response.brokers.map(({ nodeId, host, port, rack }) => ({
          nodeId,
          host,
          port,
          ...(version >= 1 ? { rack } : {}),
        })),
        ...(version >= 2 ? { clusterId: 'cluster-7' } : {}),
        ...(version >= 1 ? { controllerId: 2 } : {}),
        topicMetadata: response.topics.map((topic) => ({
          topicErrorCode: topic.errorCode,
          topic: topic.name,
          ...(version >= 1 ? { isInternal: topic.isInternal } : {}),
          partitionMetadata: topic.partitions.map((p) => ({
            partitionErrorCode: p.errorCode,
            partitionId: p.partitionIndex,
            leader: p.leaderId,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            ...(version >= 5 ? { offlineReplicas: p.offlineReplicas } : {}),
          })),
        })),
      });
    });
  });
});
