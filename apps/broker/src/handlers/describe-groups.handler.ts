import { DescribeGroups, ErrorCode, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { GroupCoordination } from '../groups/group-coordination.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

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

  constructor(
    private readonly coordinator: GroupCoordination,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    // Each group needs Describe on it; the others are answered GROUP_AUTHORIZATION_FAILED in place.
    const describable = request.groups.filter((groupId) =>
      this.authorizer.group(context, AclOperation.DESCRIBE, groupId),
    );
    const described = new Map(
      (await this.coordinator.describeGroups(describable)).map((group) => [group.groupId, group]),
    );
    const refused = this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED).groups ?? [];
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId, i) => {
        const group = described.get(groupId);
        if (!group) return refused[i]!;
        return { ...group, members: [...group.members], authorizedOperations: NO_AUTHORIZED_OPERATIONS };
      }),
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
