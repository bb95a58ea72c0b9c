import {
  AlterClientQuotas,
  ErrorCode,
  type InputOf,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import {
  entityFromComponents,
  InvalidQuotaEntityError,
  type QuotaEntity,
} from '../security/quotas/client-quota-entity.js';
import {
  type ClientQuotaStore,
  InvalidQuotaValueError,
  type QuotaOp,
} from '../security/quotas/client-quota-store.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof AlterClientQuotas>;
type Response = InputOf<ResponseOf<typeof AlterClientQuotas>>;

/**
 * AlterClientQuotas v0-1 (KIP-546). Each entry sets and removes quota values of one entity, and
 * is answered on its own: an entity with a type other than user and client-id (or a type twice),
 * an unknown key, a key twice, or a value that is not above 0 (byte rates: a whole number) is
 * INVALID_REQUEST with a message naming the entity, the key and the value; the other entries
 * apply. With `validateOnly`, entries are checked and nothing changes. The changes are stored
 * (client-quotas.json, or etcd in a cluster; written once per request) before the response, and
 * apply to the next request of every connection. With `--authorizer acl` the principal needs
 * AlterConfigs on the cluster, as Kafka (CLUSTER_AUTHORIZATION_FAILED on every entry).
 */
export class AlterClientQuotasHandler implements ApiHandler<Request, Response> {
  readonly api = AlterClientQuotas;

  constructor(
    private readonly store: ClientQuotaStore,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    if (!this.authorizer.cluster(context, AclOperation.ALTER_CONFIGS)) {
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    const valid: { entity: QuotaEntity; ops: readonly QuotaOp[] }[] = [];
    const entries = request.entries.map(({ entity: components, ops }) => {
      try {
        const entity = entityFromComponents(components);
        this.store.validate(entity, ops);
        valid.push({ entity, ops });
        return { errorCode: ErrorCode.NONE, errorMessage: null, entity: components };
      } catch (err) {
        if (!(err instanceof InvalidQuotaEntityError || err instanceof InvalidQuotaValueError)) throw err;
        return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: err.message, entity: components };
      }
    });
    if (!request.validateOnly && valid.length > 0) await this.store.alter(valid);
    return { throttleTimeMs: 0, entries };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      entries: (request?.entries ?? []).map(({ entity }) => ({ errorCode, errorMessage: null, entity })),
    };
  }
}
