import type { GroupCoordinator } from '@runnel/coordinator';
import { DeleteGroups, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { ApiHandler } from './api-handler.js';

type Request = RequestOf<typeof DeleteGroups>;
type Response = InputOf<ResponseOf<typeof DeleteGroups>>;

/**
 * DeleteGroups v0-1: removes each Empty group with its committed offsets (tombstones written to
 * `__consumer_offsets` before the answer); a group with members is NON_EMPTY_GROUP, an unknown
 * one GROUP_ID_NOT_FOUND.
 */
export class DeleteGroupsHandler implements ApiHandler<Request, Response> {
  readonly api = DeleteGroups;

  constructor(private readonly coordinator: GroupCoordinator) {}

  async handle(request: Request): Promise<Response> {
    const results = await this.coordinator.deleteGroups(request.groupsNames);
    return { throttleTimeMs: 0, results };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      results: (request?.groupsNames ?? []).map((groupId) => ({ groupId, errorCode })),
    };
  }
}
