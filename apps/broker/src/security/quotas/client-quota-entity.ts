/**
 * Kafka's client quota entities (KIP-55, KIP-546). An entity names a `user` (the principal's
 * name: `alice` for `User:alice`), a `client-id`, or both; each component is a name or the
 * type's default (`<default>` on Kafka's command line, null on the wire), which applies to every
 * user or client id that has no entity of its own. An entity holds quota values by key.
 */

export const USER = 'user';
export const CLIENT_ID = 'client-id';

/** The quota keys served, with Kafka's meaning. */
export const QUOTA_KEYS = {
  /** Produce request bytes per second (KIP-13). */
  producer_byte_rate: 'producer_byte_rate',
  /** Fetch response bytes per second (KIP-13). */
  consumer_byte_rate: 'consumer_byte_rate',
  /** Percentage of one request handler's time, per quota window (KIP-124). */
  request_percentage: 'request_percentage',
} as const;

export type QuotaKey = keyof typeof QUOTA_KEYS;

export function isQuotaKey(key: string): key is QuotaKey {
  return Object.hasOwn(QUOTA_KEYS, key);
}

/** A component's name: a string, or null for the type's default; absent when the entity has no such component. */
export type EntityName = string | null;

export interface QuotaEntity {
  readonly user?: EntityName;
  readonly clientId?: EntityName;
}

/** A wire entity component, as DescribeClientQuotas and AlterClientQuotas carry them. */
export interface EntityComponent {
  readonly entityType: string;
  readonly entityName: string | null;
}

/** An entity the broker cannot hold: the message names the component and what is allowed. */
export class InvalidQuotaEntityError extends Error {
  override readonly name = 'InvalidQuotaEntityError';
}

/** Reads wire components into an entity; throws InvalidQuotaEntityError for types other than user and client-id, repeats or none. */
export function entityFromComponents(components: readonly EntityComponent[]): QuotaEntity {
  const entity: { user?: EntityName; clientId?: EntityName } = {};
  if (components.length === 0)
    throw new InvalidQuotaEntityError('a quota entity needs at least one component');
  for (const { entityType, entityName } of components) {
    if (entityType === USER) {
      if (entity.user !== undefined) throw new InvalidQuotaEntityError('entity type user appears twice');
      entity.user = entityName;
    } else if (entityType === CLIENT_ID) {
      if (entity.clientId !== undefined)
        throw new InvalidQuotaEntityError('entity type client-id appears twice');
      entity.clientId = entityName;
    } else {
      throw new InvalidQuotaEntityError(
        `entity type ${JSON.stringify(entityType)} is not served; quota entity types are user and client-id`,
      );
    }
  }
  return entity;
}

/** The wire components of an entity, user first, as Kafka lists them. */
export function entityComponents(entity: QuotaEntity): EntityComponent[] {
  const components: EntityComponent[] = [];
  if (entity.user !== undefined) components.push({ entityType: USER, entityName: entity.user });
  if (entity.clientId !== undefined) components.push({ entityType: CLIENT_ID, entityName: entity.clientId });
  return components;
}

const part = (name: EntityName | undefined) => (name === undefined ? '-' : name === null ? 'D' : `N${name}`);

/** One string per entity (absent, default and named components told apart), for map keys. */
export function entityKey(entity: QuotaEntity): string {
  return `${part(entity.user)}\u0000${part(entity.clientId)}`;
}

/** How an entity reads to people: `user=alice,client-id=<default>`. */
export function describeEntity(entity: QuotaEntity): string {
  const show = (name: EntityName) => (name === null ? '<default>' : name);
  return entityComponents(entity)
    .map((c) => `${c.entityType}=${show(c.entityName)}`)
    .join(',');
}

/**
 * The entities whose quotas may apply to a request of `user` and `clientId`, in Kafka's order of
 * precedence (its DefaultQuotaCallback; docs "Quotas"): the first of these with a value for a
 * key is the quota for that key.
 * 1. user + client-id, 2. user + default client-id, 3. user,
 * 4. default user + client-id, 5. default user + default client-id, 6. default user,
 * 7. client-id, 8. default client-id.
 */
export function quotaPrecedence(user: string, clientId: string): readonly QuotaEntity[] {
  return [
    { user, clientId },
    { user, clientId: null },
    { user },
    { user: null, clientId },
    { user: null, clientId: null },
    { user: null },
    { clientId },
    { clientId: null },
  ];
}

/**
 * Whose usage a quota of `matched` limits, as Kafka's quota metric tags: each component of the
 * matched entity, default or named, stands for the request's own user or client id (so a default
 * quota gives every user its own allowance), and a component the entity lacks is shared ('').
 */
export function usageOwner(
  matched: QuotaEntity,
  user: string,
  clientId: string,
): { user: string; clientId: string } {
  return {
    user: matched.user === undefined ? '' : user,
    clientId: matched.clientId === undefined ? '' : clientId,
  };
}

/** The user of a principal, as quotas name it: `alice` for `User:alice`. */
export function quotaUser(principal: string): string {
  return principal.startsWith('User:') ? principal.slice('User:'.length) : principal;
}
