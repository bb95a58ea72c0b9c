import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeEntity,
  type EntityName,
  entityKey,
  InvalidQuotaEntityError,
  isQuotaKey,
  type QuotaEntity,
  type QuotaKey,
} from './client-quota-entity.js';

/** One entity's quotas. */
export interface EntityQuotas {
  readonly entity: QuotaEntity;
  readonly values: ReadonlyMap<QuotaKey, number>;
}

/** One AlterClientQuotas operation: set `key` to `value`, or remove it. */
export interface QuotaOp {
  readonly key: string;
  readonly value: number;
  readonly remove: boolean;
}

/** A quota value the broker refuses: the message names the entity, the key, the value and the rule. */
export class InvalidQuotaValueError extends Error {
  override readonly name = 'InvalidQuotaValueError';
}

const FORMAT_VERSION = 1;
export const CLIENT_QUOTAS_FILE = 'client-quotas.json';

interface StoredEntity {
  user?: EntityName;
  clientId?: EntityName;
  values: Record<string, number>;
}

/**
 * The client quotas the broker enforces, kept in `<data-dir>/client-quotas.json`
 * (`{"formatVersion":1,"entities":[{"user":"alice","clientId":null,"values":{...}}]}`; null is
 * the default entity, an absent component is no component). Every alteration is validated whole
 * before anything changes, then written atomically (temp file, fsync, rename, fsync of the
 * directory), so a crash leaves the old quotas or the new ones. `version` grows with every change,
 * so callers can cache what they resolved from it.
 */
export class ClientQuotaStore {
  private readonly entities = new Map<string, EntityQuotas>();
  private changes = 0;

  private constructor(private readonly dataDir: string) {}

  /** The stored quotas of `dataDir` (none when the file does not exist yet). */
  static open(dataDir: string): ClientQuotaStore {
    const store = new ClientQuotaStore(dataDir);
    const path = join(dataDir, CLIENT_QUOTAS_FILE);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw err;
    }
    let stored: { formatVersion?: unknown; entities?: StoredEntity[] };
    try {
      stored = JSON.parse(text);
    } catch (err) {
      throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
    }
    if (stored.formatVersion !== FORMAT_VERSION || !Array.isArray(stored.entities)) {
      throw new Error(
        `${path} has format version ${String(stored.formatVersion)}; this broker reads version ${FORMAT_VERSION}`,
      );
    }
    for (const { values, ...entity } of stored.entities) {
      const map = new Map<QuotaKey, number>();
      for (const [key, value] of Object.entries(values)) {
        checkValue(entity, key, value);
        map.set(key as QuotaKey, value);
      }
      store.entities.set(entityKey(entity), { entity, values: map });
    }
    return store;
  }

  /** Grows with every change. */
  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.entities.size;
  }

  /** The value of `key` set on exactly this entity, if any. */
  quota(entity: QuotaEntity, key: QuotaKey): number | undefined {
    return this.entities.get(entityKey(entity))?.values.get(key);
  }

  all(): Iterable<EntityQuotas> {
    return this.entities.values();
  }

  /** Throws InvalidQuotaEntityError or InvalidQuotaValueError when `ops` cannot apply to `entity`. */
  validate(entity: QuotaEntity, ops: readonly QuotaOp[]): void {
    if (entity.user === undefined && entity.clientId === undefined) {
      throw new InvalidQuotaEntityError('a quota entity needs a user or a client-id');
    }
    const seen = new Set<string>();
    for (const op of ops) {
      if (seen.has(op.key)) {
        throw new InvalidQuotaValueError(`${describeEntity(entity)}: key ${op.key} appears twice`);
      }
      seen.add(op.key);
      if (op.remove) {
        if (!isQuotaKey(op.key)) throw unknownKey(entity, op.key);
      } else {
        checkValue(entity, op.key, op.value);
      }
    }
  }

  /** Applies already validated operations to each entity, then writes the file once. */
  alter(alterations: readonly { entity: QuotaEntity; ops: readonly QuotaOp[] }[]): void {
    for (const { entity, ops } of alterations) {
      const key = entityKey(entity);
      const values = new Map(this.entities.get(key)?.values);
      for (const op of ops) {
        if (op.remove) values.delete(op.key as QuotaKey);
        else values.set(op.key as QuotaKey, op.value);
      }
      if (values.size === 0) this.entities.delete(key);
      else this.entities.set(key, { entity, values });
    }
    this.changes++;
    this.save();
  }

  private save(): void {
    const entities: StoredEntity[] = [...this.entities.values()].map(({ entity, values }) => ({
      ...entity,
      values: Object.fromEntries(values),
    }));
    const path = join(this.dataDir, CLIENT_QUOTAS_FILE);
    const temp = `${path}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ formatVersion: FORMAT_VERSION, entities }, null, 2)}\n`);
    fsyncPath(temp);
    renameSync(temp, path);
    fsyncPath(this.dataDir);
  }
}

function unknownKey(entity: QuotaEntity, key: string): InvalidQuotaValueError {
  return new InvalidQuotaValueError(
    `${describeEntity(entity)}: quota key ${JSON.stringify(key)} is not served; keys are producer_byte_rate, consumer_byte_rate and request_percentage`,
  );
}

/** As Kafka: byte rates are whole bytes per second above 0, request_percentage a number above 0. */
function checkValue(entity: QuotaEntity, key: string, value: unknown): asserts value is number {
  if (!isQuotaKey(key)) throw unknownKey(entity, key);
  const whole = key !== 'request_percentage';
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    (whole && !Number.isInteger(value))
  ) {
    throw new InvalidQuotaValueError(
      `${describeEntity(entity)}: ${key} = ${String(value)} must be ${whole ? 'a whole number of bytes per second' : 'a percentage'} above 0`,
    );
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
