import type { GroupCoordinator } from '@runnel/coordinator';
import { DescribeGroups, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { ApiHandler } from './api-handler.js';

type Request = RequestOf<typeof DescribeGroups>;
type Response = InputOf<ResponseOf<typeof DescribeGroups>>;

/** `authorizedOperations` when the client did not ask for them, or the broker has no ACLs (Kafka's Integer.MIN_VALUE). */
const NO_AUTHORIZED_OPERATIONS = -2147483648;

/**
 * DescribeGroups v0-4: state, protocol and members of each group; an unknown group is described
 * as Dead with no members (not an error), as Kafka does. Member metadata and assignments are
 * filled in only while the group is Stable. There are no ACLs, so `authorizedOperations` (v3+)
 * is always "not provided". v4 adds members' `groupInstanceId`.
 */
export class DescribeGroupsHandler implements ApiHandler<Request, Response> {
  readonly api = DescribeGroups;

  constructor(private readonly coordinator: GroupCoordinator) {}

  async handle(request: Request): Promise<Response> {
    const groups = await this.coordinator.describeGroups(request.groups);
    return {
      throttleTimeMs: 0,
      groups: groups.map((group) => ({
        ...group,
        members: [...group.members],
        authorizedOperations: NO_AUTHORIZED_OPERATIONS,
      })),
    };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      groups: (request?.groups ?? []).map((groupId) => ({
        errorCode,
        groupId,
        groupState: '',
        protocolType: '',
        protocolData: '',
        members: [],
        authorizedOperations: NO_AUTHORIZED_OPERATIONS,
      })),
    };
  }
}
