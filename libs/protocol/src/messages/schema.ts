import { ZERO_UUID } from '../bytes/uuid.js';

/**
 * The Kafka protocol written as data, after Kafka's own JSON message specs: each message is a
 * struct of fields, each field has the versions it exists in, the versions in which it may be
 * null, and optionally a tag (a tagged field of flexible versions). One generic codec
 * (`codec.ts`) encodes and decodes any message at any version from these definitions, so adding
 * a version is editing a definition, never copying an encoder.
 *
 * TypeScript types come from the definitions too: `DataOf<typeof X>` is the decoded shape (every
 * field present; fields absent from a version hold their default) and `InputOf<...>` is what an
 * encoder accepts (every field optional; omitted ones take their default).
 */

/** An inclusive range of versions; `none` is the empty range. */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export const NO_VERSIONS: VersionRange = { min: 1, max: 0 };

/** Parses Kafka's version notation: `"3+"`, `"0-8"`, `"2"` or `"none"`. */
export function versionRange(spec: string): VersionRange {
  if (spec === 'none') return NO_VERSIONS;
  const plus = /^(\d+)\+$/.exec(spec);
  if (plus) return { min: Number(plus[1]), max: Number.MAX_SAFE_INTEGER };
  const range = /^(\d+)-(\d+)$/.exec(spec);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  if (/^\d+$/.test(spec)) return { min: Number(spec), max: Number(spec) };
  throw new Error(`invalid version range '${spec}': expected "N+", "N-M", "N" or "none"`);
}

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}

export type PrimitiveKind =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

/** A wire type. `T` is the TypeScript type of its values (phantom: it exists only for typing). */
export type Type<T> = PrimitiveType<T> | ArrayType<T> | StructType<T>;

export interface PrimitiveType<T> {
  readonly kind: PrimitiveKind;
  readonly __value?: T;
}

export interface ArrayType<T> {
  readonly kind: 'array';
  readonly items: Type<unknown>;
  readonly __value?: T;
}

export interface StructType<T> {
  readonly kind: 'struct';
  readonly fields: readonly AnyField[];
  readonly __value?: T;
}

export interface Field<N extends string, T> {
  readonly name: N;
  readonly type: Type<unknown>;
  /** Versions in which the field is on the wire. */
  readonly versions: VersionRange;
  /** Versions in which the field may be null. */
  readonly nullableVersions: VersionRange;
  /** Versions in which the field is sent in the tagged-field section (with `tag`). */
  readonly taggedVersions: VersionRange;
  readonly tag: number | undefined;
  /** Versions in which strings, bytes and arrays use the compact forms; by default the message's. */
  readonly flexibleVersions: VersionRange | undefined;
  /** The value decoders give when the field is absent from a version, and encoders use when omitted. */
  readonly default: T;
}

// biome-ignore lint/suspicious/noExplicitAny: the erased field type that any concrete field is assignable to
export type AnyField = Field<string, any>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The decoded shape of a struct with these fields. */
export type FieldsData<F extends readonly AnyField[]> = Simplify<{
  [K in F[number] as K['name']]: K extends Field<string, infer T> ? T : never;
}>;

/** What an encoder accepts for a value of type T: every struct field optional, recursively. */
export type InputOf<T> = T extends Buffer | string | number | bigint | boolean | null
  ? T
  : T extends readonly (infer U)[]
    ? InputOf<U>[]
    : { [K in keyof T]?: InputOf<T[K]> };

function primitive<T>(kind: PrimitiveKind): PrimitiveType<T> {
  return { kind };
}

/** The wire types. */
export const t = {
  bool: primitive<boolean>('bool'),
  int8: primitive<number>('int8'),
  int16: primitive<number>('int16'),
  uint16: primitive<number>('uint16'),
  int32: primitive<number>('int32'),
  uint32: primitive<number>('uint32'),
  int64: primitive<bigint>('int64'),
  float64: primitive<number>('float64'),
  string: primitive<string>('string'),
  bytes: primitive<Buffer>('bytes'),
  /** A record batch (or legacy message set) carried as raw bytes: never re-encoded. */
  records: primitive<Buffer>('records'),
  uuid: primitive<string>('uuid'),
  array<T>(items: Type<T>): ArrayType<T[]> {
    return { kind: 'array', items };
  },
  struct<const F extends readonly AnyField[]>(...fields: F): StructType<FieldsData<F>> {
    return { kind: 'struct', fields };
  },
};

export interface FieldOptions<T> {
  /** Versions in which the field exists (default `"0+"`). */
  versions?: string;
  /** Versions in which the field may be null (default `"none"`). */
  nullable?: string;
  /** Value when absent or omitted (default: zero, empty, or the struct of defaults). */
  default?: T;
  /** Tag number, for a tagged field of flexible versions. */
  tag?: number;
  /** Versions in which the field is tagged (default: the field's versions, when `tag` is set). */
  taggedVersions?: string;
  /** Overrides the message's flexible versions for this field (Kafka uses `"none"` for header clientId). */
  flexibleVersions?: string;
}

type ValueOf<Ty> = Ty extends Type<infer T> ? T : never;

/** Defines a field; a field with `nullable` versions has type `T | null`. */
export function field<const N extends string, Ty extends Type<unknown>>(
  name: N,
  type: Ty,
  options: FieldOptions<ValueOf<Ty> | null> & { nullable: string },
): Field<N, ValueOf<Ty> | null>;
export function field<const N extends string, Ty extends Type<unknown>>(
  name: N,
  type: Ty,
  options?: FieldOptions<ValueOf<Ty>>,
): Field<N, ValueOf<Ty>>;
export function field<const N extends string, Ty extends Type<unknown>>(
  name: N,
  type: Ty,
  options: FieldOptions<unknown> = {},
): Field<N, unknown> {
  const versions = versionRange(options.versions ?? '0+');
  return {
    name,
    type,
    versions,
    nullableVersions: versionRange(options.nullable ?? 'none'),
    tag: options.tag,
    taggedVersions:
      options.tag === undefined
        ? NO_VERSIONS
        : options.taggedVersions
          ? versionRange(options.taggedVersions)
          : versions,
    flexibleVersions:
      options.flexibleVersions === undefined ? undefined : versionRange(options.flexibleVersions),
    default: 'default' in options ? options.default : defaultValue(type),
  };
}

/** The zero value of a type: 0, 0n, false, '', empty bytes, null records, [], or a struct of defaults. */
export function defaultValue(type: Type<unknown>): unknown {
  switch (type.kind) {
    case 'bool':
      return false;
    case 'int64':
      return 0n;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    case 'uuid':
      return ZERO_UUID;
    case 'array':
      return [];
    case 'struct':
      return Object.fromEntries(type.fields.map((f) => [f.name, cloneDefault(f.default)]));
    default:
      return 0;
  }
}

/** A fresh copy of a default, so decoded messages never share mutable arrays or structs. */
export function cloneDefault<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneDefault) as T;
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneDefault(v)])) as T;
  }
  return value;
}

/** One message (a request, a response, a header or an embedded payload) as data. */
export interface MessageSchema<T> {
  readonly name: string;
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
  readonly struct: StructType<T>;
}

export function message<const F extends readonly AnyField[]>(definition: {
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: F;
}): MessageSchema<FieldsData<F>> {
  return {
    name: definition.name,
    validVersions: versionRange(definition.validVersions),
    flexibleVersions: versionRange(definition.flexibleVersions),
    struct: t.struct(...definition.fields),
  };
}

/** The decoded type of a message schema. */
export type DataOf<S> = S extends MessageSchema<infer T> ? T : never;

/** An API: its key, and its request and response schemas over the same version range. */
export interface Api<Req, Res> {
  readonly apiKey: number;
  readonly name: string;
  readonly request: MessageSchema<Req>;
  readonly response: MessageSchema<Res>;
}

export function api<Req, Res>(definition: {
  apiKey: number;
  name: string;
  request: MessageSchema<Req>;
  response: MessageSchema<Res>;
}): Api<Req, Res> {
  const { request, response } = definition;
  if (
    request.validVersions.min !== response.validVersions.min ||
    request.validVersions.max !== response.validVersions.max
  ) {
    throw new Error(`${definition.name}: request and response must cover the same versions`);
  }
  return definition;
}

export type RequestOf<A> = A extends Api<infer Req, unknown> ? Req : never;
export type ResponseOf<A> = A extends Api<unknown, infer Res> ? Res : never;
