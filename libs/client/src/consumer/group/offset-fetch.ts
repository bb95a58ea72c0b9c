import { type InputOf, OffsetFetch, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { BrokerConnection } from '../../connection/broker-connection.js';
import { RunnelError } from '../../errors/runnel-error.js';

/**
 * The first OffsetFetch version that asks for several groups at once (KIP-709): the request
 * carries `groups: [{ groupId, topics }]` instead of a top-level `groupId` and `topics`, and each
 * group is answered in `groups[]` with its own topics and error code.
 */
export const BATCHED_OFFSET_FETCH_VERSION = 8;

/** The partitions asked for, by topic; null asks for everything the group committed (v2+). */
export type OffsetFetchTopics = { name: string; partitionIndexes: number[] }[] | null;

/** One group's answer, whatever the version: its group-level error code (0 below v2) and its offsets. */
export interface GroupOffsets {
  readonly errorCode: number;
  readonly topics: ResponseOf<typeof OffsetFetch>['topics'];
}

/** The request for `groupId`'s offsets of `topics` at `version`: top-level fields below v8, one group from v8. */
export function offsetFetchRequest(
  version: number,
  groupId: string,
  topics: OffsetFetchTopics,
): InputOf<RequestOf<typeof OffsetFetch>> {
  return version >= BATCHED_OFFSET_FETCH_VERSION ? { groups: [{ groupId, topics }] } : { groupId, topics };
}

/**
 * `groupId`'s answer at `version`: the top-level topics and error code below v8, its entry of
 * `groups` from v8. An answer at v8+ without the group is the broker's fault and says so, rather
 * than reading as "nothing committed".
 */
export function groupOffsetsIn(
  version: number,
  groupId: string,
  response: ResponseOf<typeof OffsetFetch>,
): GroupOffsets {
  if (version < BATCHED_OFFSET_FETCH_VERSION) {
    return { errorCode: response.errorCode, topics: response.topics };
  }
  const group = response.groups.find((g) => g.groupId === groupId);
  if (group === undefined) {
    const ids = response.groups.map((g) => `'${g.groupId}'`).join(', ') || 'none';
    throw new RunnelError(
      `group '${groupId}' OffsetFetch v${version}: the answer has no entry for the group (groups: ${ids})`,
    );
  }
  return { errorCode: group.errorCode, topics: group.topics };
}

/**
 * Asks the coordinator on `connection` for `groupId`'s committed offsets of `topics`, at `version`
 * (default: the highest both sides support). Error codes are returned, not thrown: the member and
 * the admin each have their own retry policy.
 */
export async function fetchGroupOffsets(
  connection: BrokerConnection,
  groupId: string,
  topics: OffsetFetchTopics,
  version: number = connection.versionFor(OffsetFetch),
): Promise<GroupOffsets> {
  const response = await connection.request(OffsetFetch, offsetFetchRequest(version, groupId, topics), {
    version,
  });
  return groupOffsetsIn(version, groupId, response);
}
