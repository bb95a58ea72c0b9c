import { DeleteGroups, ErrorCode, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { GroupCoordination } from '../groups/group-coordination.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof DeleteGroups>;
type Response = InputOf<ResponseOf<typeof DeleteGroups>>;

/**
 * DeleteGroups v0-1: removes each Empty group with its committed offsets (tombstones written to
 * `__consumer_offsets` before the answer); a group with members is NON_EMPTY_GROUP, an unknown
 * one GROUP_ID_NOT_FOUND, one the principal may not Delete GROUP_AUTHORIZATION_FAILED.
 */
export class DeleteGroupsHandler implements ApiHandler<Request, Response> {
  readonly api = DeleteGroups;

  constructor(
    private readonly coordinator: GroupCoordination,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    const deletable = request.groupsNames.filter((groupId) =>
      this.authorizer.group(context, AclOperation.DELETE, groupId),
    );
    const deleted = new Map(
      (await this.coordinator.deleteGroups(deletable)).map((r) => [r.groupId, r.errorCode]),
    );
    return {
      throttleTimeMs: 0,
      results: request.groupsNames.map((groupId) => ({
        groupId,
        errorCode: deleted.get(groupId) ?? ErrorCode.GROUP_AUTHORIZATION_FAILED,
      })),
    };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      results: (request?.groupsNames ?? []).map((groupId) => ({ groupId, errorCode })),
    };
  }
}
