import {
  AlterUserScramCredentials,
  ErrorCode,
  type InputOf,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import {
  credentialFromSaltedPassword,
  MAX_SCRAM_ITERATIONS,
  MIN_SCRAM_ITERATIONS,
  SCRAM_MECHANISMS,
  type ScramMechanism,
} from '../security/authentication/scram-credential.js';
import type {
  ScramAlteration,
  ScramCredentialStore,
} from '../security/authentication/scram-credential-store.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof AlterUserScramCredentials>;
type Response = InputOf<ResponseOf<typeof AlterUserScramCredentials>>;

const BY_TYPE = new Map(
  Object.entries(SCRAM_MECHANISMS).map(([name, m]) => [m.mechanismType as number, name as ScramMechanism]),
);

/**
 * AlterUserScramCredentials v0 (flexible, KIP-554): deletes and upserts SCRAM credentials, one
 * result per user named, in the order first named. The upsertion carries the salted password;
 * the broker keeps only the salt and the derived StoredKey and ServerKey. A user is changed only
 * if all its alterations are valid, with Kafka's error codes: UNSUPPORTED_SASL_MECHANISM for a
 * mechanism other than SCRAM-SHA-256 (1) or SCRAM-SHA-512 (2), UNACCEPTABLE_CREDENTIAL for an
 * empty name, salt or salted password, or iterations outside 4096-16384, DUPLICATE_RESOURCE for
 * a user and mechanism altered twice, RESOURCE_NOT_FOUND for the deletion of a credential that
 * does not exist. Credentials take effect for the next authentication; in a cluster they are
 * answered once in etcd, and reach the other brokers through their watch.
 */
export class AlterUserScramCredentialsHandler implements ApiHandler<Request, Response> {
  readonly api = AlterUserScramCredentials;

  constructor(
    private readonly credentials: ScramCredentialStore,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    // As Kafka: changing credentials needs Alter on the cluster; nothing is changed otherwise.
    if (!this.authorizer.cluster(context, AclOperation.ALTER)) {
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    const users = [...new Set([...request.deletions, ...request.upsertions].map((a) => a.name))];
    const alterations: ScramAlteration[] = [];
    const results = users.map((user) => {
      const deletions = request.deletions.filter((d) => d.name === user);
      const upsertions = request.upsertions.filter((u) => u.name === user);
      const refusal = this.refusal(user, deletions, upsertions);
      if (refusal) return { user, errorCode: refusal[0], errorMessage: refusal[1] };
      alterations.push({
        user,
        deletions: deletions.map((d) => BY_TYPE.get(d.mechanism)!),
        upsertions: upsertions.map((u) => {
          const mechanism = BY_TYPE.get(u.mechanism)!;
          const credential = credentialFromSaltedPassword(
            mechanism,
            Buffer.from(u.saltedPassword),
            Buffer.from(u.salt),
            u.iterations,
          );
          return { mechanism, credential };
        }),
      });
      return { user, errorCode: ErrorCode.NONE, errorMessage: null };
    });
    // Every valid user's alterations in one write (one etcd transaction in a cluster).
    if (alterations.length > 0) await this.credentials.alter(alterations);
    return { throttleTimeMs: 0, results };
  }

  private refusal(
    user: string,
    deletions: Request['deletions'],
    upsertions: Request['upsertions'],
  ): [number, string] | undefined {
    if (user === '') return [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'the user name is empty'];
    const mechanisms = [...deletions, ...upsertions].map((a) => a.mechanism);
    const unknown = mechanisms.find((m) => !BY_TYPE.has(m));
    if (unknown !== undefined) {
      return [
        ErrorCode.UNSUPPORTED_SASL_MECHANISM,
        `mechanism ${unknown} is not 1 (SCRAM-SHA-256) or 2 (SCRAM-SHA-512)`,
      ];
    }
    if (new Set(mechanisms).size !== mechanisms.length) {
      return [ErrorCode.DUPLICATE_RESOURCE, `a mechanism of user ${user} is altered twice in one request`];
    }
    for (const u of upsertions) {
      if (u.iterations < MIN_SCRAM_ITERATIONS || u.iterations > MAX_SCRAM_ITERATIONS) {
        return [
          ErrorCode.UNACCEPTABLE_CREDENTIAL,
          `iterations ${u.iterations} is outside ${MIN_SCRAM_ITERATIONS}-${MAX_SCRAM_ITERATIONS}`,
        ];
      }
      if (u.salt.length === 0 || u.saltedPassword.length === 0) {
        return [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'the salt or the salted password is empty'];
      }
    }
    for (const d of deletions) {
      if (!this.credentials.credential(user, BY_TYPE.get(d.mechanism)!)) {
        return [
          ErrorCode.RESOURCE_NOT_FOUND,
          `user ${user} has no ${BY_TYPE.get(d.mechanism)} credential to delete`,
        ];
      }
    }
    return undefined;
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    const users = [
      ...new Set([...(request?.deletions ?? []), ...(request?.upsertions ?? [])].map((a) => a.name)),
    ];
    return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode, errorMessage: null })) };
  }
}
