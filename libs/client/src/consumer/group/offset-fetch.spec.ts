import { decode, ErrorCode, encode, type InputOf, OffsetFetch, type ResponseOf } from '@runnel/protocol';
import { RunnelError } from '../../errors/runnel-error.js';
import { BATCHED_OFFSET_FETCH_VERSION, groupOffsetsIn, offsetFetchRequest } from './offset-fetch.js';

/** A response through the real codec at `version`, as the client reads it off the wire. */
function answered(version: number, body: InputOf<ResponseOf<typeof OffsetFetch>>) {
  return decode(OffsetFetch.response, version, encode(OffsetFetch.response, version, body));
}

function sent(version: number, topics: Parameters<typeof offsetFetchRequest>[2]) {
  return decode(
    OffsetFetch.request,
    version,
    encode(OffsetFetch.request, version, offsetFetchRequest(version, 'billing', topics)),
  );
}

const asked = [{ name: 'payments', partitionIndexes: [0, 2] }];

const committed = [
  {
    name: 'payments',
    partitions: [
      { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
      { partitionIndex: 2, committedOffset: -1n, committedLeaderEpoch: -1, metadata: null, errorCode: 0 },
    ],
  },
];

describe('OffsetFetch for a group', () => {
  it.each([0, 1, 2, 5, 7])('v%i sends the group and its topics at the top level', (version) => {
    expect(sent(version, asked)).toMatchObject({ groupId: 'billing', topics: asked, groups: [] });
  });

  it('v7 asks for everything committed with null topics', () => {
    expect(sent(7, null)).toMatchObject({ groupId: 'billing', topics: null, groups: [] });
  });

  it.each([1, 7])('v%i reads the top-level topics and error code', (version) => {
    const response = answered(version, { topics: committed, errorCode: ErrorCode.NONE });
    expect(groupOffsetsIn(version, 'billing', response)).toEqual({
      errorCode: ErrorCode.NONE,
      topics: committed,
    });
  });

  it('v7 reads a group-level error', () => {
    const response = answered(7, { topics: [], errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS });
    expect(groupOffsetsIn(7, 'billing', response)).toEqual({
      errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      topics: [],
    });
  });

  it('v8 sends one group with its topics, or null for everything committed', () => {
    expect(sent(BATCHED_OFFSET_FETCH_VERSION, asked)).toMatchObject({
      groupId: '',
      topics: [],
      groups: [{ groupId: 'billing', topics: asked }],
    });
    expect(sent(BATCHED_OFFSET_FETCH_VERSION, null)).toMatchObject({
      groups: [{ groupId: 'billing', topics: null }],
    });
  });

  it("v8 reads the group's own entry: its topics and its error code", () => {
    const response = answered(BATCHED_OFFSET_FETCH_VERSION, {
      groups: [
        { groupId: 'audit', topics: [], errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED },
        { groupId: 'billing', topics: committed, errorCode: ErrorCode.NONE },
      ],
    });
    expect(groupOffsetsIn(BATCHED_OFFSET_FETCH_VERSION, 'billing', response)).toEqual({
      errorCode: ErrorCode.NONE,
      topics: committed,
    });
    const failed = answered(BATCHED_OFFSET_FETCH_VERSION, {
      groups: [{ groupId: 'billing', topics: [], errorCode: ErrorCode.NOT_COORDINATOR }],
    });
    expect(groupOffsetsIn(BATCHED_OFFSET_FETCH_VERSION, 'billing', failed)).toEqual({
      errorCode: ErrorCode.NOT_COORDINATOR,
      topics: [],
    });
  });

  it('v8 refuses an answer without an entry for the group, naming it and the groups answered', () => {
    const response = answered(BATCHED_OFFSET_FETCH_VERSION, { groups: [] });
    const read = () => groupOffsetsIn(BATCHED_OFFSET_FETCH_VERSION, 'billing', response);
    expect(read).toThrow(RunnelError);
    expect(read).toThrow(
      "group 'billing' OffsetFetch v8: the answer has no entry for the group (groups: none)",
    );
  });
});
