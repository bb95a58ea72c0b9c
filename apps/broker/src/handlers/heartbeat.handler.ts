import type { GroupCoordinator } from '@runnel/coordinator';
import { Heartbeat, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { ApiHandler } from './api-handler.js';

type Request = RequestOf<typeof Heartbeat>;
type Response = InputOf<ResponseOf<typeof Heartbeat>>;

/**
 * Heartbeat v0-4 (v4 flexible): keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin,
 * UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION that it was expelled. v3 adds static members.
 */
export class HeartbeatHandler implements ApiHandler<Request, Response> {
  readonly api = Heartbeat;

  constructor(private readonly coordinator: GroupCoordinator) {}

  async handle(request: Request): Promise<Response> {
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
