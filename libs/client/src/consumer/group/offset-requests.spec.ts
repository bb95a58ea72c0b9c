import { ErrorCode } from '@runnel/protocol';
import {
  describePartitions,
  offsetCommitErrors,
  offsetCommitRequest,
  offsetFetchOutcome,
  offsetFetchTopics,
} from './offset-requests.js';

const member = { groupId: 'billing', generationId: 4, memberId: 'm-1', groupInstanceId: 'pod-1' };

describe('OffsetCommit', () => {
  it('carries the generation and member, offsets grouped by topic in input order', () => {
    expect(
      offsetCommitRequest(member, [
        { topic: 'a', partition: 1, offset: 10n },
        { topic: 'b', partition: 0, offset: 3n, metadata: 'm' },
        { topic: 'a', partition: 0, offset: 7n },
      ]),
    ).toEqual({
      groupId: 'billing',
      generationId: 4,
      memberId: 'm-1',
      groupInstanceId: 'pod-1',
      retentionTimeMs: -1n,
      topics: [
        {
          name: 'a',
          partitions: [
            { partitionIndex: 1, committedOffset: 10n, committedLeaderEpoch: -1, committedMetadata: '' },
            { partitionIndex: 0, committedOffset: 7n, committedLeaderEpoch: -1, committedMetadata: '' },
          ],
        },
        {
          name: 'b',
          partitions: [
            { partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: 'm' },
          ],
        },
      ],
    });
  });

  it('reports only the partitions that failed, each with its action', () => {
    const errors = offsetCommitErrors({
      throttleTimeMs: 0,
      topics: [
        {
          name: 'a',
          partitions: [
            { partitionIndex: 0, errorCode: ErrorCode.NONE },
            { partitionIndex: 1, errorCode: ErrorCode.ILLEGAL_GENERATION },
          ],
        },
        { name: 'b', partitions: [{ partitionIndex: 2, errorCode: ErrorCode.NOT_COORDINATOR }] },
      ],
    });
    expect(errors).toEqual([
      { topic: 'a', partition: 1, errorCode: ErrorCode.ILLEGAL_GENERATION, action: 'reset-member' },
      { topic: 'b', partition: 2, errorCode: ErrorCode.NOT_COORDINATOR, action: 'find-coordinator' },
    ]);
    expect(describePartitions(errors)).toBe("topic 'a' partition 1, topic 'b' partition 2");
  });
});

describe('OffsetFetch', () => {
  const asked = [
    { topic: 'a', partition: 0 },
    { topic: 'a', partition: 1 },
    { topic: 'b', partition: 0 },
  ];

  it('asks for the partitions by topic', () => {
    expect(offsetFetchTopics(asked)).toEqual([
      { name: 'a', partitionIndexes: [0, 1] },
      { name: 'b', partitionIndexes: [0] },
    ]);
  });

  it('maps every partition asked to its offset, -1n where the group has none or the answer left it out', () => {
    const outcome = offsetFetchOutcome(asked, {
      errorCode: ErrorCode.NONE,
      topics: [
        {
          name: 'a',
          partitions: [
            { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
            {
              partitionIndex: 1,
              committedOffset: -1n,
              committedLeaderEpoch: -1,
              metadata: null,
              errorCode: 0,
            },
            {
              partitionIndex: 9,
              committedOffset: 5n,
              committedLeaderEpoch: -1,
              metadata: null,
              errorCode: 0,
            },
          ],
        },
      ],
    });
    expect(outcome).toEqual({
      ok: true,
      offsets: new Map([
        ['a:0', 42n],
        ['a:1', -1n],
        ['b:0', -1n],
      ]),
    });
  });

  it('applies a group-level error to every partition, and reports partition errors', () => {
    const groupLevel = offsetFetchOutcome(asked, {
      errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      topics: [],
    });
    expect(groupLevel.ok).toBe(false);
    if (!groupLevel.ok)
      expect(groupLevel.errors.map(({ action }) => action)).toEqual(['retry', 'retry', 'retry']);
    const partitionLevel = offsetFetchOutcome(asked, {
      errorCode: ErrorCode.NONE,
      topics: [
        {
          name: 'b',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: -1n,
              committedLeaderEpoch: -1,
              metadata: null,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            },
          ],
        },
      ],
    });
    expect(partitionLevel).toEqual({
      ok: false,
      errors: [{ topic: 'b', partition: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, action: 'fail' }],
    });
  });
});
