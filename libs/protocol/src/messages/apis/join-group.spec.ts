import { decode, encode } from '../codec.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { JoinGroup } from './join-group.js';
import {
  kafkajsRequestBody,
  kafkajsThrottle,
  kafkajsVersions,
  parseWithKafkajs,
} from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request = {
  groupId: 'orders',
  sessionTimeoutMs: 30_000,
  rebalanceTimeoutMs: 60_000,
  memberId: 'consumer-1-7f3a',
  groupInstanceId: 'orders-host-1',
  protocolType: 'consumer',
  protocols: [
    { name: 'cooperative-sticky', metadata: Buffer.from('0001000000010001740000000000000000', 'hex') },
    { name: 'range', metadata: Buffer.from([9, 8, 7]) },
  ],
};

const response = {
  throttleTimeMs: 15,
  errorCode: 0,
  generationId: 4,
  protocolName: 'range',
  leader: 'consumer-1-7f3a',
  memberId: 'consumer-2-11b0',
  members: [
    { memberId: 'consumer-1-7f3a', groupInstanceId: 'orders-host-1', metadata: Buffer.from([1, 2]) },
    { memberId: 'consumer-2-11b0', groupInstanceId: null, metadata: Buffer.from([3]) },
  ],
};

describe('JoinGroup', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(JoinGroup, request, response);
  });

  it('encodes a v1 request byte for byte', () => {
    const bytes = encode(JoinGroup.request, 1, {
      groupId: 'g',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 60_000,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from([0xff, 0x00]) }],
    });
    expect(bytes.toString('hex')).toBe(
      [
        '000167', // groupId: int16 length 1, "g"
        '00002710', // sessionTimeoutMs 10000
        '0000ea60', // rebalanceTimeoutMs 60000
        '0000', // memberId: empty string
        '0008636f6e73756d6572', // protocolType: int16 length 8, "consumer"
        '00000001', // protocols: int32 count 1
        '000572616e6765', // [0].name: int16 length 5, "range"
        '00000002ff00', // [0].metadata: int32 length 2, ff 00
      ].join(''),
    );
  });

  it('defaults rebalanceTimeoutMs to -1 and groupInstanceId to null where the version lacks them', () => {
    const decoded = decode(JoinGroup.request, 0, encode(JoinGroup.request, 0, request));
    expect(decoded.rebalanceTimeoutMs).toBe(-1);
    expect(decoded.groupInstanceId).toBeNull();
  });

  it.each(kafkajsVersions('joinGroup'))('reads the v%i request kafkajs writes', async (version) => {
    const { apiKey, apiVersion, body } = await kafkajsRequestBody('joinGroup', version, {
      groupId: request.groupId,
      sessionTimeout: request.sessionTimeoutMs,
      rebalanceTimeout: request.rebalanceTimeoutMs,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      groupProtocols: request.protocols,
    });
    expect([apiKey, apiVersion]).toEqual([JoinGroup.apiKey, version]);
    expect(decode(JoinGroup.request, version, body)).toEqual(
      projectToVersion(JoinGroup.request.struct, version, request),
    );
  });

  it.each(kafkajsVersions('joinGroup'))('writes a v%i response kafkajs parses', async (version) => {
    const parsed = await parseWithKafkajs(
      'joinGroup',
      version,
      encode(JoinGroup.response, version, response),
    );
    expect(parsed).toEqual({
      ...kafkajsThrottle(response.throttleTimeMs, version, { since: 2, clientSideSince: 3 }),
      errorCode: response.errorCode,
      generationId: response.generationId,
      groupProtocol: response.protocolName,
      leaderId: response.leader,
      memberId: response.memberId,
      members: response.members.map((m) => ({
        memberId: m.memberId,
        ...(version >= 5 ? { groupInstanceId: m.groupInstanceId } : {}),
        memberMetadata: m.metadata,
      })),
    });
  });

  it('reports every truncated request and response as a ProtocolError', () => {
    expectEveryTruncationToThrow(JoinGroup.request, request);
    expectEveryTruncationToThrow(JoinGroup.response, response);
  });
});
