import { DescribeAcls, ErrorCode, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import { type AclBinding, AclOperation } from '../security/authorization/acl.js';
import { filterMatches } from '../security/authorization/acl-matcher.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof DescribeAcls>;
type Response = InputOf<ResponseOf<typeof DescribeAcls>>;
interface ResourceAcls {
  resourceType: number;
  resourceName: string;
  patternType: number;
  acls: { principal: string; host: string; operation: number; permissionType: number }[];
}

/**
 * DescribeAcls v0-3: the ACLs the filter selects, grouped by resource pattern. Needs Describe on
 * the cluster (CLUSTER_AUTHORIZATION_FAILED); without an authorizer, SECURITY_DISABLED, as Kafka.
 */
export class DescribeAclsHandler implements ApiHandler<Request, Response> {
  readonly api = DescribeAcls;

  constructor(private readonly authorizer: Authorizer) {}

  handle(request: Request, context: RequestContext): Response {
    const acls = this.authorizer.acls;
    if (acls === undefined) return this.errorResponse(request, ErrorCode.SECURITY_DISABLED);
    if (!this.authorizer.cluster(context, AclOperation.DESCRIBE)) {
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    const filter = {
      resourceType: request.resourceTypeFilter,
      resourceName: request.resourceNameFilter,
      patternType: request.patternTypeFilter,
      principal: request.principalFilter,
      host: request.hostFilter,
      operation: request.operation,
      permissionType: request.permissionType,
    };
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      resources: byPattern(acls.all().filter((acl) => filterMatches(filter, acl))),
    };
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, errorCode, errorMessage: null, resources: [] };
  }
}

function byPattern(acls: readonly AclBinding[]): ResourceAcls[] {
  const resources = new Map<string, ResourceAcls>();
  for (const acl of acls) {
    const key = `${acl.resourceType}\u0000${acl.patternType}\u0000${acl.resourceName}`;
    let resource = resources.get(key);
    if (resource === undefined) {
      resource = {
        resourceType: acl.resourceType,
        resourceName: acl.resourceName,
        patternType: acl.patternType,
        acls: [],
      };
      resources.set(key, resource);
    }
    resource.acls.push({
      principal: acl.principal,
      host: acl.host,
      operation: acl.operation,
      permissionType: acl.permissionType,
    });
  }
  return [...resources.values()];
}
