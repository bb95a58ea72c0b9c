import { decode, encode } from '../codec.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { DescribeGroups } from './describe-groups.js';
import {
  kafkajsRequestBody,
  kafkajsThrottle,
  kafkajsVersions,
  parseWithKafkajs,
} from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request = { groups: ['orders', 'billing'], includeAuthorizedOperations: true };

const response = {
  throttleTimeMs: 70,
  groups: [
    {
      errorCode: 0,
      groupId: 'orders',
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [
        {
          memberId: 'consumer-1-7f3a',
          groupInstanceId: 'orders-host-1',
          clientId: 'order-service',
          clientHost: '/10.0.0.7',
          memberMetadata: Buffer.from([0, 0, 0, 0, 0, 1]),
          memberAssignment: Buffer.from([0, 0, 0, 0, 0, 2]),
        },
        {
          memberId: 'consumer-2-11b0',
          groupInstanceId: null,
          clientId: 'order-service',
          clientHost: '/10.0.0.8',
          memberMetadata: Buffer.from([1]),
          memberAssignment: Buffer.alloc(0),
        },
      ],
      authorizedOperations: 0b1_1000_0000,
    },
    {
      errorCode: 69,
      groupId: 'billing',
      groupState: 'Dead',
      protocolType: '',
      protocolData: '',
      members: [],
      authorizedOperations: 0,
    },
  ],
};

describe('DescribeGroups', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(DescribeGroups, request, response);
  });

  it('encodes a v0 request byte for byte', () => {
    expect(encode(DescribeGroups.request, 0, { groups: ['g'] }).toString('hex')).toBe(
      [
        '00000001', // groups: int32 count 1
        '000167', // [0]: int16 length 1, "g"
      ].join(''),
    );
  });

  it('gives authorizedOperations INT32_MIN where the version lacks it', () => {
    const decoded = decode(DescribeGroups.response, 2, encode(DescribeGroups.response, 2, response));
    expect(decoded.groups.map((g) => g.authorizedOperations)).toEqual([-2147483648, -2147483648]);
  });

  it.each(kafkajsVersions('describeGroups'))('reads the v%i request kafkajs writes', async (version) => {
    const { apiKey, apiVersion, body } = await kafkajsRequestBody('describeGroups', version, {
      groupIds: request.groups,
    });
    expect([apiKey, apiVersion]).toEqual([DescribeGroups.apiKey, version]);
    expect(decode(DescribeGroups.request, version, body)).toEqual(
      projectToVersion(DescribeGroups.request.struct, version, request),
    );
  });

  it.each(kafkajsVersions('describeGroups'))('writes a v%i response kafkajs parses', async (version) => {
    const ok = { ...response, groups: response.groups.map((g) => ({ ...g, errorCode: 0 })) };
    const parsed = await parseWithKafkajs(
      'describeGroups',
      version,
      encode(DescribeGroups.response, version, ok),
    );
    expect(parsed).toEqual({
      ...kafkajsThrottle(ok.throttleTimeMs, version, { since: 1, clientSideSince: 2 }),
      groups: ok.groups.map((g) => ({
        errorCode: 0,
        groupId: g.groupId,
        state: g.groupState,
        protocolType: g.protocolType,
        protocol: g.protocolData,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.memberMetadata,
          memberAssignment: m.memberAssignment,
        })),
      })),
    });
  });

  it('reports every truncated request and response as a ProtocolError', () => {
    expectEveryTruncationToThrow(DescribeGroups.request, request);
    expectEveryTruncationToThrow(DescribeGroups.response, response);
  });
});
