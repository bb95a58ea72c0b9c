import {
  DescribeUserScramCredentials,
  ErrorCode,
  errorByCode,
  type InputOf,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import { SCRAM_MECHANISMS } from '../security/authentication/scram-credential.js';
import type { ScramCredentialStore } from '../security/authentication/scram-credential-store.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof DescribeUserScramCredentials>;
type Response = InputOf<ResponseOf<typeof DescribeUserScramCredentials>>;
type Result = NonNullable<Response['results']>[number];

/**
 * DescribeUserScramCredentials v0 (flexible, KIP-554): each user's SCRAM mechanisms and
 * iteration counts, never the salt or keys. `users` null lists every user with a credential; a
 * named user without one is RESOURCE_NOT_FOUND and a name given twice DUPLICATE_RESOURCE, as
 * Kafka answers.
 */
export class DescribeUserScramCredentialsHandler implements ApiHandler<Request, Response> {
  readonly api = DescribeUserScramCredentials;

  constructor(
    private readonly credentials: ScramCredentialStore,
    private readonly authorizer: Authorizer,
  ) {}

  handle(request: Request, context: RequestContext): Response {
    // As Kafka: listing credentials needs Describe on the cluster.
    if (!this.authorizer.cluster(context, AclOperation.DESCRIBE)) {
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    const described = this.credentials.describe();
    const names = request.users === null ? [...described.keys()].sort() : request.users.map((u) => u.name);
    const results = names.map((user, i): Result => {
      if (names.indexOf(user) !== i) return failed(user, ErrorCode.DUPLICATE_RESOURCE, 'user named twice');
      const infos = described.get(user);
      if (!infos) return failed(user, ErrorCode.RESOURCE_NOT_FOUND, `user ${user} has no SCRAM credential`);
      return {
        user,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        credentialInfos: infos.map(({ mechanism, iterations }) => ({
          mechanism: SCRAM_MECHANISMS[mechanism].mechanismType,
          iterations,
        })),
      };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, errorCode, errorMessage: errorByCode(errorCode).message, results: [] };
  }
}

function failed(user: string, errorCode: number, errorMessage: string): Result {
  return { user, errorCode, errorMessage, credentialInfos: [] };
}
