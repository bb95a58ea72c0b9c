import { encode } from '../codec.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { OffsetForLeaderEpoch } from './offset-for-leader-epoch.js';

describe('OffsetForLeaderEpoch', () => {
  it('round-trips at every version', () => {
    expectApiRoundTrip(
      OffsetForLeaderEpoch,
      {
        replicaId: 2,
        topics: [{ topic: 'orders', partitions: [{ partition: 1, currentLeaderEpoch: 4, leaderEpoch: 3 }] }],
      },
      {
        throttleTimeMs: 5,
        topics: [
          { topic: 'orders', partitions: [{ errorCode: 0, partition: 1, leaderEpoch: 3, endOffset: 42n }] },
        ],
      },
    );
  });

  it("lays out v3 as Kafka's schema: replicaId, then per partition currentLeaderEpoch before leaderEpoch", () => {
    const bytes = encode(OffsetForLeaderEpoch.request, 3, {
      replicaId: 2,
      topics: [{ topic: 't', partitions: [{ partition: 1, currentLeaderEpoch: 4, leaderEpoch: 3 }] }],
    });
    expect(bytes.toString('hex')).toBe(
      [
        '00000002', // replicaId
        '00000001', // topics: 1
        '0001', // name length
        '74', // 't'
        '00000001', // partitions: 1
        '00000001', // partition
        '00000004', // currentLeaderEpoch
        '00000003', // leaderEpoch
      ].join(''),
    );
  });
});
