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

interface StoredEntity {
  user?: EntityName;
  clientId?: EntityName;
  values: Record<string, number>;
}

/**
 * Where the quotas document lives: `<data-dir>/client-quotas.json` on a single broker
 * (DataDirQuotaDocument), a key in etcd in a cluster (EtcdJsonDocument).
 */
export interface QuotaDocument {
  /** Where the document is, for messages. */
  readonly name: string;
  /**
   * Replaces the document with `text`, durably. Rejects with QuotaDocumentChanged when another
   * writer replaced it since it was last read, so the change can be made again on top of theirs.
   */
  write(text: string): void | Promise<void>;
  /** Lets go of what the document holds open (etcd's watch). */
  close?(): Promise<void>;
}

/** The document changed under a write (another broker altered quotas); `current` is its text now. */
export class QuotaDocumentChanged extends Error {
  override readonly name = 'QuotaDocumentChanged';

  constructor(readonly current: string | null) {
    super('the client quotas document changed while it was being written');
  }
}

/** Attempts at an alteration that keeps meeting another writer's before giving up. */
const WRITE_ATTEMPTS = 5;

/**
 * The client quotas the broker enforces, as one JSON document
 * (`{"formatVersion":1,"entities":[{"user":"alice","clientId":null,"values":{...}}]}`; null is
 * the default entity, an absent component is no component) kept by a QuotaDocument. Alterations
 * are validated before anything changes, written whole, and applied here only once written, so
 * the quotas enforced are always the ones stored. `version` grows with every change (an
 * alteration here, or another broker's seen through `replace`), so callers can cache what they
 * resolved from it.
 */
export class ClientQuotaStore {
  private entities = new Map<string, EntityQuotas>();
  private changes = 0;
  private lastAlteration: Promise<void> = Promise.resolve();

  /** The quotas of `document`, whose current text is `text` (null: none yet). */
  constructor(
    private readonly document: QuotaDocument,
    text: string | null,
  ) {
    this.entities = parseDocument(text, document.name);
  }

  async close(): Promise<void> {
    await this.document.close?.();
  }

  /** Takes the document's new text, written by another broker; throws (keeping the quotas in force) when it cannot be read. */
  replace(text: string | null): void {
    this.entities = parseDocument(text, this.document.name);
    this.changes++;
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

  /**
   * Applies already validated operations to each entity: written as one document, then enforced.
   * Alterations run one at a time, each on top of the last, so none is lost.
   */
  alter(alterations: readonly { entity: QuotaEntity; ops: readonly QuotaOp[] }[]): Promise<void> {
    const done = this.lastAlteration.then(() => this.alterNow(alterations));
    this.lastAlteration = done.catch(() => undefined);
    return done;
  }

  private async alterNow(
    alterations: readonly { entity: QuotaEntity; ops: readonly QuotaOp[] }[],
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const next = new Map(this.entities);
      for (const { entity, ops } of alterations) {
        const key = entityKey(entity);
        const values = new Map(next.get(key)?.values);
        for (const op of ops) {
          if (op.remove) values.delete(op.key as QuotaKey);
          else values.set(op.key as QuotaKey, op.value);
        }
        if (values.size === 0) next.delete(key);
        else next.set(key, { entity, values });
      }
      try {
        await this.document.write(serialize(next));
      } catch (err) {
        if (!(err instanceof QuotaDocumentChanged) || attempt === WRITE_ATTEMPTS) throw err;
        this.replace(err.current);
        continue;
      }
      this.entities = next;
      this.changes++;
      return;
    }
  }
}

function serialize(entities: ReadonlyMap<string, EntityQuotas>): string {
  const stored: StoredEntity[] = [...entities.values()].map(({ entity, values }) => ({
    ...entity,
    values: Object.fromEntries(values),
  }));
  return `${JSON.stringify({ formatVersion: FORMAT_VERSION, entities: stored }, null, 2)}\n`;
}

/** The entities of a document's text; throws naming `source` when it cannot be read. */
function parseDocument(text: string | null, source: string): Map<string, EntityQuotas> {
  const entities = new Map<string, EntityQuotas>();
  if (text === null) return entities;
  let stored: { formatVersion?: unknown; entities?: StoredEntity[] };
  try {
    stored = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (stored.formatVersion !== FORMAT_VERSION || !Array.isArray(stored.entities)) {
    throw new Error(
      `${source} has format version ${String(stored.formatVersion)}; this broker reads version ${FORMAT_VERSION}`,
    );
  }
  for (const { values, ...entity } of stored.entities) {
    const map = new Map<QuotaKey, number>();
    for (const [key, value] of Object.entries(values)) {
      checkValue(entity, key, value);
      map.set(key as QuotaKey, value);
    }
    entities.set(entityKey(entity), { entity, values: map });
  }
  return entities;
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
