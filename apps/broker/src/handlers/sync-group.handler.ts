import { ErrorCode, type InputOf, type RequestOf, type ResponseOf, SyncGroup } from '@runnel/protocol';
import type { GroupCoordination } from '../groups/group-coordination.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof SyncGroup>;
type Response = InputOf<ResponseOf<typeof SyncGroup>>;

/**
 * SyncGroup v0-4 (v4 flexible). The leader sends every member's assignment; each member's answer (the leader's
 * included) waits until that assignment is durable in `__consumer_offsets`, so an assignment a
 * consumer acted on survives a restart. v3 adds static members (`groupInstanceId`).
 */
export class SyncGroupHandler implements ApiHandler<Request, Response> {
  readonly api = SyncGroup;

  constructor(
    private readonly coordinator: GroupCoordination,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    if (!this.authorizer.group(context, AclOperation.READ, request.groupId)) {
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    }
    const result = await this.coordinator.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      assignments: request.assignments.map(({ memberId, assignment }) => ({
        memberId,
        assignment: Buffer.from(assignment),
      })),
    });
    return { throttleTimeMs: 0, errorCode: result.errorCode, assignment: result.assignment };
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, errorCode, assignment: Buffer.alloc(0) };
  }
}
