import { decode, encode } from '../codec.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { LeaveGroup } from './leave-group.js';
import {
  kafkajsRequestBody,
  kafkajsThrottle,
  kafkajsVersions,
  parseWithKafkajs,
} from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request = {
  groupId: 'orders',
  memberId: 'consumer-1-7f3a',
  members: [
    { memberId: 'consumer-1-7f3a', groupInstanceId: 'orders-host-1' },
    { memberId: 'consumer-2-11b0', groupInstanceId: null },
  ],
};

const response = {
  throttleTimeMs: 40,
  errorCode: 16,
  members: [
    { memberId: 'consumer-1-7f3a', groupInstanceId: 'orders-host-1', errorCode: 25 },
    { memberId: 'consumer-2-11b0', groupInstanceId: null, errorCode: 0 },
  ],
};

describe('LeaveGroup', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(LeaveGroup, request, response);
  });

  it('encodes a v3 request, where members replace memberId, byte for byte', () => {
    const bytes = encode(LeaveGroup.request, 3, {
      groupId: 'g',
      memberId: 'ignored from v3',
      members: [{ memberId: 'm', groupInstanceId: null }],
    });
    expect(bytes.toString('hex')).toBe(
      [
        '000167', // groupId: int16 length 1, "g"
        '00000001', // members: int32 count 1
        '00016d', // [0].memberId: int16 length 1, "m"
        'ffff', // [0].groupInstanceId: null
      ].join(''),
    );
  });

  it.each(kafkajsVersions('leaveGroup'))('reads the v%i request kafkajs writes', async (version) => {
    const member = request.members[0]!;
    const { apiKey, apiVersion, body } = await kafkajsRequestBody('leaveGroup', version, {
      groupId: request.groupId,
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
    });
    expect([apiKey, apiVersion]).toEqual([LeaveGroup.apiKey, version]);
    expect(decode(LeaveGroup.request, version, body)).toEqual(
      projectToVersion(LeaveGroup.request.struct, version, {
        groupId: request.groupId,
        memberId: member.memberId,
        members: [member],
      }),
    );
  });

  it.each(kafkajsVersions('leaveGroup'))('writes a v%i response kafkajs parses', async (version) => {
    const ok = { ...response, errorCode: 0, members: response.members.map((m) => ({ ...m, errorCode: 0 })) };
    const parsed = await parseWithKafkajs('leaveGroup', version, encode(LeaveGroup.response, version, ok));
    expect(parsed).toEqual({
      ...kafkajsThrottle(ok.throttleTimeMs, version, { since: 1, clientSideSince: 2 }),
      errorCode: 0,
      ...(version >= 3 ? { members: ok.members } : {}),
    });
  });

  it('reports every truncated request and response as a ProtocolError', () => {
    expectEveryTruncationToThrow(LeaveGroup.request, request);
    expectEveryTruncationToThrow(LeaveGroup.response, response);
  });
});
