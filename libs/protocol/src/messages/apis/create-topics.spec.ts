import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { CreateTopics } from './create-topics.js';
import { encodeWithKafkajs, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request: RequestOf<typeof CreateTopics> = {
  topics: [
    {
      name: 'orders',
      numPartitions: 6,
      replicationFactor: 3,
      assignments: [],
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'retention.ms', value: null },
      ],
    },
    {
      name: 'payments',
      numPartitions: -1,
      replicationFactor: -1,
      assignments: [
        { partitionIndex: 0, brokerIds: [1, 2] },
        { partitionIndex: 1, brokerIds: [2, 3] },
      ],
      configs: [],
    },
  ],
  timeoutMs: 30000,
  validateOnly: true,
};

const response: ResponseOf<typeof CreateTopics> = {
  throttleTimeMs: 20,
  topics: [
    {
      name: 'orders',
      topicId: '00000000-0000-0000-0000-000000000000',
      errorCode: 36,
      errorMessage: "Topic 'orders' already exists.",
      topicConfigErrorCode: 0,
      numPartitions: -1,
      replicationFactor: -1,
      configs: null,
    },
    {
      name: 'payments',
      topicId: '6f0b3a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
      errorCode: 0,
      errorMessage: null,
      topicConfigErrorCode: 29,
      numPartitions: 2,
      replicationFactor: 1,
      configs: [
        { name: 'cleanup.policy', value: 'delete', readOnly: false, configSource: 5, isSensitive: false },
        { name: 'secret', value: null, readOnly: true, configSource: -1, isSensitive: true },
      ],
    },
  ],
};

describe('CreateTopics', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(CreateTopics, request, response);
  });

  it('encodes a v0 request byte for byte', () => {
    const bytes = encode(CreateTopics.request, 0, {
      topics: [{ name: 't', numPartitions: 2, replicationFactor: 1, configs: [{ name: 'a', value: null }] }],
      timeoutMs: 5000,
    });
    expect(bytes.toString('hex')).toBe(
      [
        '00000001', // topics: 1
        '0001' + '74', // name "t"
        '00000002', // numPartitions 2
        '0001', // replicationFactor 1
        '00000000', // assignments: 0
        '00000001' + '0001' + '61' + 'ffff', // configs: [{ name "a", value null }]
        '00001388', // timeoutMs 5000
      ].join(''),
    );
  });

  it('rejects every truncation of a request or response with a ProtocolError', () => {
    expectEveryTruncationToThrow(CreateTopics.request, request);
    expectEveryTruncationToThrow(CreateTopics.response, response);
  });

  describe('against kafkajs', () => {
    const kafkajsVersions = [0, 1, 2, 3];

    it.each(kafkajsVersions)('decodes the v%i request kafkajs encodes', async (version) => {
      const body = await encodeWithKafkajs('createTopics', version, {
        topics: request.topics.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.numPartitions,
          replicationFactor: topic.replicationFactor,
          replicaAssignment: topic.assignments.map((a) => ({
            partition: a.partitionIndex,
            replicas: a.brokerIds,
          })),
          configEntries: topic.configs,
        })),
        timeout: request.timeoutMs,
        validateOnly: request.validateOnly,
      });
      expect(decode(CreateTopics.request, version, body)).toEqual(
        projectToVersion(CreateTopics.request.struct, version, request),
      );
    });

    it.each(kafkajsVersions)('has kafkajs parse the v%i response we encode', async (version) => {
      const ok = { ...response, topics: response.topics.map((topic) => ({ ...topic, errorCode: 0 })) };
      const parsed = await parseWithKafkajs(
        'createTopics',
        version,
        encode(CreateTopics.response, version, ok),
      );
      const throttle =
        version >= 3
          ? { throttleTime: 0, clientSideThrottleTime: 20 }
          : version >= 2
            ? { throttleTime: 20 }
            : {};
      expect(parsed).toEqual({
        ...throttle,
        topicErrors: ok.topics.map(({ name, errorCode, errorMessage }) => ({
          topic: name,
          errorCode,
          ...(version >= 1 ? { errorMessage } : {}),
        })),
      });
    });

    it('has kafkajs report the topic errors we send', async () => {
      await expect(
        parseWithKafkajs('createTopics', 1, encode(CreateTopics.response, 1, response)),
      ).rejects.toMatchObject({ errors: [{ topic: 'orders', type: 'TOPIC_ALREADY_EXISTS' }] });
    });
  });
});
