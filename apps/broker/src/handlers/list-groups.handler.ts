import { type InputOf, ListGroups, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { GroupCoordination } from '../groups/group-coordination.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof ListGroups>;
type Response = InputOf<ResponseOf<typeof ListGroups>>;

/** ListGroups v0-2: every group this broker coordinates, with its protocol type ('consumer' for consumers). */
export class ListGroupsHandler implements ApiHandler<Request, Response> {
  readonly api = ListGroups;

  constructor(
    private readonly coordinator: GroupCoordination,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(_request: Request, context: RequestContext): Promise<Response> {
    const { errorCode, groups } = await this.coordinator.listGroups();
    // Describe on the cluster lists every group; otherwise only those the principal may Describe.
    const everyGroup = this.authorizer.cluster(context, AclOperation.DESCRIBE);
    const listed = groups.filter(
      ({ groupId }) => everyGroup || this.authorizer.group(context, AclOperation.DESCRIBE, groupId),
    );
    return {
      throttleTimeMs: 0,
      errorCode,
      groups: listed.map(({ groupId, protocolType }) => ({ groupId, protocolType })),
    };
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, errorCode, groups: [] };
  }
}
