import type { LeavingMember } from '@runnel/coordinator';
import { ErrorCode, type InputOf, LeaveGroup, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { GroupCoordination } from '../groups/group-coordination.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof LeaveGroup>;
type Response = InputOf<ResponseOf<typeof LeaveGroup>>;

/** The first LeaveGroup version that takes a batch of members (KIP-345). */
const BATCH_VERSION = 3;

/**
 * LeaveGroup v0-4 (v4 flexible). v0-2 name one member by `memberId` and carry its result in the top-level
 * error code, as Kafka answers them; v3 takes a list of members (by member id, or by
 * `groupInstanceId` for static members) and answers each one, the top level carrying only
 * group-level errors.
 */
export class LeaveGroupHandler implements ApiHandler<Request, Response> {
  readonly api = LeaveGroup;

  constructor(
    private readonly coordinator: GroupCoordination,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    if (!this.authorizer.group(context, AclOperation.READ, request.groupId)) {
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    }
    const { version } = context;
    const members: LeavingMember[] =
      version >= BATCH_VERSION
        ? request.members.map(({ memberId, groupInstanceId }) => ({ memberId, groupInstanceId }))
        : [{ memberId: request.memberId, groupInstanceId: null }];
    const result = await this.coordinator.leaveGroup({ groupId: request.groupId, members });
    if (version >= BATCH_VERSION) {
      return { throttleTimeMs: 0, errorCode: result.errorCode, members: [...result.members] };
    }
    const only =
      result.errorCode === ErrorCode.NONE
        ? (result.members[0]?.errorCode ?? ErrorCode.NONE)
        : result.errorCode;
    return { throttleTimeMs: 0, errorCode: only, members: [] };
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, errorCode, members: [] };
  }
}
