import { DeleteAcls, ErrorCode, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof DeleteAcls>;
type Response = InputOf<ResponseOf<typeof DeleteAcls>>;

/**
 * DeleteAcls v0-3: removes every ACL each filter selects (persisted before the answer) and lists
 * them per filter. Needs Alter on the cluster (CLUSTER_AUTHORIZATION_FAILED); without an
 * authorizer, SECURITY_DISABLED, as Kafka.
 */
export class DeleteAclsHandler implements ApiHandler<Request, Response> {
  readonly api = DeleteAcls;

  constructor(private readonly authorizer: Authorizer) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    if (!this.authorizer.enabled) return this.errorResponse(request, ErrorCode.SECURITY_DISABLED);
    if (!this.authorizer.cluster(context, AclOperation.ALTER)) {
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    const removed = await this.authorizer.removeAcls(
      request.filters.map((filter) => ({
        resourceType: filter.resourceTypeFilter,
        resourceName: filter.resourceNameFilter,
        patternType: filter.patternTypeFilter,
        principal: filter.principalFilter,
        host: filter.hostFilter,
        operation: filter.operation,
        permissionType: filter.permissionType,
      })),
    );
    return {
      throttleTimeMs: 0,
      filterResults: removed.map((acls) => ({
        errorCode: 0,
        errorMessage: null,
        matchingAcls: acls.map(({ patternType, ...acl }) => ({
          errorCode: 0,
          errorMessage: null,
          patternType,
          ...acl,
        })),
      })),
    };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      filterResults: (request?.filters ?? []).map(() => ({
        errorCode,
        errorMessage: null,
        matchingAcls: [],
      })),
    };
  }
}
