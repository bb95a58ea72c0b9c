import { CreateAcls, ErrorCode, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import {
  type AclBinding,
  AclOperation,
  InvalidAclError,
  validateAclBinding,
} from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof CreateAcls>;
type Response = InputOf<ResponseOf<typeof CreateAcls>>;

/**
 * CreateAcls v0-3: stores each valid ACL (persisted before the answer) and answers each invalid
 * one INVALID_REQUEST with what is wrong, one result per creation in order. Needs Alter on the
 * cluster (CLUSTER_AUTHORIZATION_FAILED for every creation); without an authorizer,
 * SECURITY_DISABLED, as Kafka.
 */
export class CreateAclsHandler implements ApiHandler<Request, Response> {
  readonly api = CreateAcls;

  constructor(private readonly authorizer: Authorizer) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    if (!this.authorizer.enabled) return this.errorResponse(request, ErrorCode.SECURITY_DISABLED);
    if (!this.authorizer.cluster(context, AclOperation.ALTER)) {
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    const valid: AclBinding[] = [];
    const results = request.creations.map(({ resourcePatternType, ...creation }) => {
      try {
        valid.push(validateAclBinding({ ...creation, patternType: resourcePatternType }));
        return { errorCode: 0, errorMessage: null };
      } catch (err) {
        if (!(err instanceof InvalidAclError)) throw err;
        return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: err.message };
      }
    });
    await this.authorizer.addAcls(valid);
    return { throttleTimeMs: 0, results };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      results: (request?.creations ?? []).map(() => ({ errorCode, errorMessage: null })),
    };
  }
}
