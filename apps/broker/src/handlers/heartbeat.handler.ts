import { ErrorCode, Heartbeat, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { GroupCoordination } from '../groups/group-coordination.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof Heartbeat>;
type Response = InputOf<ResponseOf<typeof Heartbeat>>;

/**
 * Heartbeat v0-4 (v4 flexible): keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin,
 * UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION that it was expelled. v3 adds static members.
 */
export class HeartbeatHandler implements ApiHandler<Request, Response> {
  readonly api = Heartbeat;

  constructor(
    private readonly coordinator: GroupCoordination,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    if (!this.authorizer.group(context, AclOperation.READ, request.groupId)) {
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    }
    const { errorCode } = await this.coordinator.heartbeat({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
    });
    return { throttleTimeMs: 0, errorCode };
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, errorCode };
  }
}
