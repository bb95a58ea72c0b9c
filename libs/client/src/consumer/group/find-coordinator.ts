import { FindCoordinator, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { BrokerConnection } from '../../connection/broker-connection.js';
import { RunnelError } from '../../errors/runnel-error.js';

/** FindCoordinator's key type for a consumer group (v1+; v0 only knows groups). */
const GROUP_KEY_TYPE = 0;

/**
 * The first FindCoordinator version that looks up a batch of keys (KIP-699): the request carries
 * `coordinatorKeys` instead of `key`, and the answer is one entry of `coordinators`, with its own
 * error code, per key instead of top-level fields.
 */
export const BATCHED_FIND_COORDINATOR_VERSION = 4;

/** One group's coordinator as FindCoordinator answers it, whatever the version. */
export interface GroupCoordinator {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/** The request that looks up `groupId`'s coordinator at `version`: one `key` below v4, a batch of one from v4. */
export function findCoordinatorRequest(
  version: number,
  groupId: string,
): InputOf<RequestOf<typeof FindCoordinator>> {
  return version >= BATCHED_FIND_COORDINATOR_VERSION
    ? { keyType: GROUP_KEY_TYPE, coordinatorKeys: [groupId] }
    : { key: groupId, keyType: GROUP_KEY_TYPE };
}

/**
 * `groupId`'s coordinator in an answer at `version`: the top-level fields below v4, its entry of
 * `coordinators` from v4. An answer at v4+ without an entry for the group is the broker's fault,
 * and says so rather than passing on a host of '' and a port of 0.
 */
export function groupCoordinatorIn(
  version: number,
  groupId: string,
  response: ResponseOf<typeof FindCoordinator>,
): GroupCoordinator {
  if (version < BATCHED_FIND_COORDINATOR_VERSION) {
    const { errorCode, errorMessage, nodeId, host, port } = response;
    return { errorCode, errorMessage, nodeId, host, port };
  }
  const entry = response.coordinators.find(({ key }) => key === groupId);
  if (entry === undefined) {
    const keys = response.coordinators.map(({ key }) => `'${key}'`).join(', ') || 'none';
    throw new RunnelError(
      `group '${groupId}' FindCoordinator v${version}: the answer has no coordinator for the group (keys: ${keys})`,
    );
  }
  const { errorCode, errorMessage, nodeId, host, port } = entry;
  return { errorCode, errorMessage, nodeId, host, port };
}

/**
 * Asks `connection`'s broker for `groupId`'s coordinator, at `version` (default: the highest both
 * sides support). Error codes are returned, not thrown: each caller has its own retry policy.
 */
export async function findGroupCoordinator(
  connection: BrokerConnection,
  groupId: string,
  version: number = connection.versionFor(FindCoordinator),
): Promise<GroupCoordinator> {
  const response = await connection.request(FindCoordinator, findCoordinatorRequest(version, groupId), {
    version,
  });
  return groupCoordinatorIn(version, groupId, response);
}
