import { decode, encode } from '../codec.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { SyncGroup } from './sync-group.js';
import {
  kafkajsRequestBody,
  kafkajsThrottle,
  kafkajsVersions,
  parseWithKafkajs,
} from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const request = {
  groupId: 'orders',
  generationId: 7,
  memberId: 'consumer-1-7f3a',
  groupInstanceId: 'orders-host-1',
  assignments: [
    {
      memberId: 'consumer-1-7f3a',
      assignment: Buffer.from('0000000000010001740000000100000000ffffffff', 'hex'),
    },
    { memberId: 'consumer-2-11b0', assignment: Buffer.alloc(0) },
  ],
};

const response = {
  throttleTimeMs: 20,
  errorCode: 27,
  assignment: Buffer.from([0, 1, 0, 0, 0, 0]),
};

describe('SyncGroup', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(SyncGroup, request, response);
  });

  it('encodes a v1 response byte for byte', () => {
    const bytes = encode(SyncGroup.response, 1, {
      throttleTimeMs: 5,
      errorCode: 27,
      assignment: Buffer.from([0xab]),
    });
    expect(bytes.toString('hex')).toBe(
      [
        '00000005', // throttleTimeMs 5
        '001b', // errorCode 27 (REBALANCE_IN_PROGRESS)
        '00000001ab', // assignment: int32 length 1, ab
      ].join(''),
    );
  });

  it.each(kafkajsVersions('syncGroup'))('reads the v%i request kafkajs writes', async (version) => {
    const { apiKey, apiVersion, body } = await kafkajsRequestBody('syncGroup', version, {
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      groupAssignment: request.assignments.map((a) => ({
        memberId: a.memberId,
        memberAssignment: a.assignment,
      })),
    });
    expect([apiKey, apiVersion]).toEqual([SyncGroup.apiKey, version]);
    expect(decode(SyncGroup.request, version, body)).toEqual(
      projectToVersion(SyncGroup.request.struct, version, request),
    );
  });

  it.each(kafkajsVersions('syncGroup'))('writes a v%i response kafkajs parses', async (version) => {
    const ok = { ...response, errorCode: 0 };
    const parsed = await parseWithKafkajs('syncGroup', version, encode(SyncGroup.response, version, ok));
    expect(parsed).toEqual({
      ...kafkajsThrottle(ok.throttleTimeMs, version, { since: 1, clientSideSince: 2 }),
      errorCode: 0,
      memberAssignment: ok.assignment,
    });
  });

  it('reports every truncated request and response as a ProtocolError', () => {
    expectEveryTruncationToThrow(SyncGroup.request, request);
    expectEveryTruncationToThrow(SyncGroup.response, response);
  });
});
