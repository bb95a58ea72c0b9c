import {
  DescribeClientQuotas,
  ErrorCode,
  type InputOf,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import {
  CLIENT_ID,
  entityComponents,
  type QuotaEntity,
  USER,
} from '../security/quotas/client-quota-entity.js';
import type { ClientQuotaStore } from '../security/quotas/client-quota-store.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof DescribeClientQuotas>;
type Response = InputOf<ResponseOf<typeof DescribeClientQuotas>>;

const MATCH_EXACT = 0;
const MATCH_DEFAULT = 1;
const MATCH_SPECIFIED = 2;

/** A component filter: this name (null: the default entity) or, with `any`, any entity that has the type. */
interface ComponentFilter {
  readonly type: 'user' | 'clientId';
  readonly any: boolean;
  readonly name: string | null;
}

class InvalidFilterError extends Error {}

/**
 * DescribeClientQuotas v0-1 (KIP-546). Lists the quota entities that match every component of
 * the filter, with their values, as Kafka's ClientQuotasImage.describe: match type 0 the entity
 * whose component of that type has the name given, 1 the one whose component is the default, 2
 * any entity that has a component of that type; with `strict`, an entity with a component the
 * filter does not name is left out. An empty, non-strict filter lists every entity. A filter that
 * repeats an entity type, names a type other than user and client-id, or gives a name where its
 * match type takes none (or none where it needs one) is INVALID_REQUEST, with the message naming
 * the component. With `--authorizer acl` the principal needs DescribeConfigs on the cluster, as
 * Kafka (CLUSTER_AUTHORIZATION_FAILED).
 */
export class DescribeClientQuotasHandler implements ApiHandler<Request, Response> {
  readonly api = DescribeClientQuotas;

  constructor(
    private readonly store: ClientQuotaStore,
    private readonly authorizer: Authorizer,
  ) {}

  handle(request: Request, context: RequestContext): Response {
    if (!this.authorizer.cluster(context, AclOperation.DESCRIBE_CONFIGS)) {
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    let filters: ComponentFilter[];
    try {
      filters = readFilters(request.components);
    } catch (err) {
      if (!(err instanceof InvalidFilterError)) throw err;
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: err.message,
        entries: null,
      };
    }
    const entries: NonNullable<Response['entries']> = [];
    for (const { entity, values } of this.store.all()) {
      if (!matches(entity, filters, request.strict)) continue;
      entries.push({
        entity: entityComponents(entity),
        values: [...values].map(([key, value]) => ({ key, value })),
      });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, entries };
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, errorCode, errorMessage: null, entries: null };
  }
}

function readFilters(components: Request['components']): ComponentFilter[] {
  const filters: ComponentFilter[] = [];
  for (const { entityType, matchType, match } of components) {
    const type = entityType === USER ? 'user' : entityType === CLIENT_ID ? 'clientId' : undefined;
    if (type === undefined) {
      throw new InvalidFilterError(
        `entity type ${JSON.stringify(entityType)} is not served; quota entity types are user and client-id`,
      );
    }
    if (filters.some((f) => f.type === type)) {
      throw new InvalidFilterError(`entity type ${entityType} appears more than once in the filter`);
    }
    if (matchType === MATCH_EXACT) {
      if (match === null)
        throw new InvalidFilterError(`${entityType}: match type 0 (exact) needs a name to match`);
      filters.push({ type, any: false, name: match });
    } else if (matchType === MATCH_DEFAULT || matchType === MATCH_SPECIFIED) {
      if (match !== null) {
        throw new InvalidFilterError(
          `${entityType}: match type ${matchType} takes no name, got ${JSON.stringify(match)}`,
        );
      }
      filters.push({ type, any: matchType === MATCH_SPECIFIED, name: null });
    } else {
      throw new InvalidFilterError(
        `${entityType}: match type ${matchType} is not 0 (exact), 1 (default) or 2 (any)`,
      );
    }
  }
  return filters;
}

function matches(entity: QuotaEntity, filters: readonly ComponentFilter[], strict: boolean): boolean {
  const components = (entity.user !== undefined ? 1 : 0) + (entity.clientId !== undefined ? 1 : 0);
  if (strict && components !== filters.length) return false;
  for (const filter of filters) {
    const name = entity[filter.type];
    if (name === undefined) return false;
    if (!filter.any && name !== filter.name) return false;
  }
  return true;
}
