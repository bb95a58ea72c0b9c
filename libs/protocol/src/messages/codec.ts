import { Reader } from '../bytes/reader.js';
import { Writer } from '../bytes/writer.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  type AnyField,
  cloneDefault,
  type InputOf,
  inRange,
  type MessageSchema,
  type StructType,
  type Type,
} from './schema.js';

/**
 * The one generic codec for every message definition. A definition is compiled once per version
 * into a tree of small closures (no per-call interpretation of version ranges), cached on first use.
 */

export type Encode = (w: Writer, value: unknown) => void;
export type Decode = (r: Reader) => unknown;

/**
 * Hand-written replacements for a schema's compiled encoder or decoder at some versions (or
 * undefined where there are none), for the messages on the broker's hottest path (see
 * apis/produce-codec.ts): the closure tree, shared by every schema, makes each field a call
 * through code that sees every shape of every message. Each replacement must write the same bytes
 * and throw the same errors as the compiled codec, which its spec checks against `compileSchema`.
 */
export type HandWritten = (
  version: number,
) => { readonly encode?: Encode; readonly decode?: Decode } | undefined;

const handWritten = new WeakMap<MessageSchema<unknown>, HandWritten>();

/** Uses `codecs` for `schema` from now on (called once, where the schema is defined). */
export function specialise<T>(schema: MessageSchema<T>, codecs: HandWritten): void {
  handWritten.set(schema as MessageSchema<unknown>, codecs);
}

export interface Compiled {
  readonly encode: Encode;
  readonly decode: Decode;
  /** The fewest bytes a value can take, so array counts can be checked before allocating. */
  readonly minSize: number;
}

const cache = new WeakMap<MessageSchema<unknown>, Map<number, Compiled>>();

function compiledFor(schema: MessageSchema<unknown>, version: number): Compiled {
  let byVersion = cache.get(schema);
  if (!byVersion) {
    byVersion = new Map();
    cache.set(schema, byVersion);
  }
  let compiled = byVersion.get(version);
  if (!compiled) {
    if (!inRange(schema.validVersions, version)) {
      throw new ProtocolError(
        `version ${version} is outside the supported range ${schema.validVersions.min}-${schema.validVersions.max}`,
        schema.name,
      );
    }
    compiled = compileSchema(schema, version);
    const special = handWritten.get(schema)?.(version);
    if (special) {
      compiled = {
        encode: special.encode ?? compiled.encode,
        decode: special.decode ?? compiled.decode,
        minSize: compiled.minSize,
      };
    }
    byVersion.set(version, compiled);
  }
  return compiled;
}

/** The compiled (generic) codec of `schema` at `version`, whatever is hand-written for it. */
export function compileSchema(schema: MessageSchema<unknown>, version: number): Compiled {
  return compileStruct(schema.struct, version, inRange(schema.flexibleVersions, version), schema.name);
}

/** Appends `value` encoded as `schema` at `version` to the writer. */
export function encodeInto<T>(w: Writer, schema: MessageSchema<T>, version: number, value: InputOf<T>): void {
  compiledFor(schema as MessageSchema<unknown>, version).encode(w, value);
}

/** Encodes `value` as `schema` at `version`. */
export function encode<T>(schema: MessageSchema<T>, version: number, value: InputOf<T>): Buffer {
  const w = new Writer();
  encodeInto(w, schema, version, value);
  return w.finish();
}

/** Decodes one `schema` value at `version` from the reader's position. */
export function decodeFrom<T>(r: Reader, schema: MessageSchema<T>, version: number): T {
  return compiledFor(schema as MessageSchema<unknown>, version).decode(r) as T;
}

/**
 * Decodes `bytes` as `schema` at `version`. Bytes left over after the message are an error:
 * they mean the version or the framing is wrong.
 */
export function decode<T>(schema: MessageSchema<T>, version: number, bytes: Buffer): T {
  const r = new Reader(bytes);
  const value = decodeFrom(r, schema, version);
  if (r.remaining !== 0) {
    throw new ProtocolError(
      `${r.remaining} byte(s) left over after the message`,
      `${schema.name} v${version}`,
    );
  }
  return value;
}

function compileStruct(
  struct: StructType<unknown>,
  version: number,
  flexible: boolean,
  path: string,
): Compiled {
  const regular: { field: AnyField; codec: Compiled }[] = [];
  const tagged: { field: AnyField; codec: Compiled; tag: number }[] = [];
  const absent: AnyField[] = [];
  for (const field of struct.fields) {
    if (!inRange(field.versions, version)) {
      absent.push(field);
      continue;
    }
    const fieldFlexible = field.flexibleVersions ? inRange(field.flexibleVersions, version) : flexible;
    const codec = compileType(
      field.type,
      version,
      fieldFlexible,
      inRange(field.nullableVersions, version),
      `${path}.${field.name}`,
    );
    if (flexible && field.tag !== undefined && inRange(field.taggedVersions, version)) {
      tagged.push({ field, codec, tag: field.tag });
    } else {
      regular.push({ field, codec });
    }
  }
  tagged.sort((a, b) => a.tag - b.tag);
  const taggedByTag = new Map(tagged.map((entry) => [entry.tag, entry]));

  const encode: Encode = (w, value) => {
    const obj = (value ?? {}) as Record<string, unknown>;
    for (const { field, codec } of regular) {
      const v = obj[field.name];
      codec.encode(w, v === undefined ? field.default : v);
    }
    if (flexible) encodeTaggedFields(w, obj, tagged);
  };

  const decode: Decode = (r) => {
    const obj: Record<string, unknown> = {};
    for (const { field, codec } of regular) obj[field.name] = codec.decode(r);
    for (const field of absent) obj[field.name] = cloneDefault(field.default);
    for (const { field } of tagged) obj[field.name] = cloneDefault(field.default);
    if (flexible) decodeTaggedFields(r, obj, taggedByTag, path);
    return obj;
  };

  const minSize = regular.reduce((sum, { codec }) => sum + codec.minSize, flexible ? 1 : 0);
  return { encode, decode, minSize };
}

/** Tagged fields go out only when they differ from their default, in increasing tag order. */
function encodeTaggedFields(
  w: Writer,
  obj: Record<string, unknown>,
  tagged: readonly { field: AnyField; codec: Compiled; tag: number }[],
): void {
  const present = tagged.filter(({ field }) => {
    const v = obj[field.name];
    return v !== undefined && !isDefault(v, field.default);
  });
  w.uvarint(present.length);
  for (const { field, codec, tag } of present) {
    const inner = new Writer(64);
    codec.encode(inner, obj[field.name]);
    const bytes = inner.finish();
    w.uvarint(tag).uvarint(bytes.length).raw(bytes);
  }
}

/** Known tags decode within their declared size; unknown tags are skipped, as Kafka does. */
function decodeTaggedFields(
  r: Reader,
  obj: Record<string, unknown>,
  taggedByTag: ReadonlyMap<number, { field: AnyField; codec: Compiled }>,
  path: string,
): void {
  const count = r.uvarint(`${path}._tagged_fields`);
  let previous = -1;
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint(`${path}._tagged_fields.tag`);
    if (tag <= previous)
      throw new ProtocolError(`tag ${tag} follows tag ${previous}; tags must increase`, path);
    previous = tag;
    const size = r.uvarint(`${path}._tagged_fields[${tag}].size`);
    const bytes = r.raw(size, `${path}._tagged_fields[${tag}]`);
    const known = taggedByTag.get(tag);
    if (!known) continue;
    const inner = new Reader(bytes);
    obj[known.field.name] = known.codec.decode(inner);
    if (inner.remaining !== 0) {
      throw new ProtocolError(`${inner.remaining} byte(s) left over in tagged field ${tag}`, path);
    }
  }
}

function isDefault(value: unknown, def: unknown): boolean {
  if (value === def) return true;
  if (Buffer.isBuffer(value) && Buffer.isBuffer(def)) return value.equals(def);
  if (Array.isArray(value) && Array.isArray(def)) return value.length === 0 && def.length === 0;
  return false;
}

function notNull(path: string): never {
  throw new ProtocolError('is null but the field is not nullable in this version', path);
}

function compileType(
  type: Type<unknown>,
  version: number,
  flexible: boolean,
  nullable: boolean,
  path: string,
): Compiled {
  switch (type.kind) {
    case 'bool':
      return { encode: (w, v) => w.bool(v as boolean), decode: (r) => r.bool(path), minSize: 1 };
    case 'int8':
      return { encode: (w, v) => w.int8(v as number), decode: (r) => r.int8(path), minSize: 1 };
    case 'int16':
      return { encode: (w, v) => w.int16(v as number), decode: (r) => r.int16(path), minSize: 2 };
    case 'uint16':
      return { encode: (w, v) => w.uint16(v as number), decode: (r) => r.uint16(path), minSize: 2 };
    case 'int32':
      return { encode: (w, v) => w.int32(v as number), decode: (r) => r.int32(path), minSize: 4 };
    case 'uint32':
      return { encode: (w, v) => w.uint32(v as number), decode: (r) => r.uint32(path), minSize: 4 };
    case 'int64':
      return { encode: (w, v) => w.int64(BigInt(v as bigint)), decode: (r) => r.int64(path), minSize: 8 };
    case 'float64':
      return { encode: (w, v) => w.float64(v as number), decode: (r) => r.float64(path), minSize: 8 };
    case 'uuid':
      return { encode: (w, v) => w.uuid(v as string), decode: (r) => r.uuid(path), minSize: 16 };
    case 'string':
      return compileString(flexible, nullable, path);
    case 'bytes':
    case 'records':
      return compileBytes(flexible, nullable || type.kind === 'records', path);
    case 'array':
      return compileArray(type.items, version, flexible, nullable, path);
    case 'struct':
      return compileNullableStruct(compileStruct(type, version, flexible, path), nullable, path);
  }
}

function compileString(flexible: boolean, nullable: boolean, path: string): Compiled {
  if (flexible) {
    return {
      encode: (w, v) => (v === null && !nullable ? notNull(path) : w.compactString(v as string | null)),
      decode: nullable ? (r) => r.compactNullableString(path) : (r) => r.compactString(path),
      minSize: 1,
    };
  }
  return {
    encode: (w, v) => (v === null && !nullable ? notNull(path) : w.string(v as string | null)),
    decode: nullable ? (r) => r.nullableString(path) : (r) => r.string(path),
    minSize: 2,
  };
}

function compileBytes(flexible: boolean, nullable: boolean, path: string): Compiled {
  if (flexible) {
    return {
      encode: (w, v) => (v === null && !nullable ? notNull(path) : w.compactBytes(v as Buffer | null)),
      decode: nullable ? (r) => r.compactNullableBytes(path) : (r) => r.compactBytes(path),
      minSize: 1,
    };
  }
  return {
    encode: (w, v) => (v === null && !nullable ? notNull(path) : w.bytes(v as Buffer | null)),
    decode: nullable ? (r) => r.nullableBytes(path) : (r) => r.bytes(path),
    minSize: 4,
  };
}

function compileArray(
  items: Type<unknown>,
  version: number,
  flexible: boolean,
  nullable: boolean,
  path: string,
): Compiled {
  const item = compileType(items, version, flexible, false, `${path}[]`);
  const minItem = Math.max(1, item.minSize);
  const encode: Encode = (w, v) => {
    if (v === null) {
      if (!nullable) notNull(path);
      if (flexible) w.compactArrayLength(null);
      else w.arrayLength(null);
      return;
    }
    const list = v as readonly unknown[];
    if (flexible) w.compactArrayLength(list.length);
    else w.arrayLength(list.length);
    for (const element of list) item.encode(w, element);
  };
  const decode: Decode = (r) => {
    const n = flexible ? r.compactArrayLength(path, minItem) : r.arrayLength(path, minItem);
    if (n === null) return nullable ? null : notNull(path);
    const list = new Array<unknown>(n);
    for (let i = 0; i < n; i++) list[i] = item.decode(r);
    return list;
  };
  return { encode, decode, minSize: flexible ? 1 : 4 };
}

/** A nullable struct field is preceded by an int8: -1 for null, 1 for present. */
function compileNullableStruct(inner: Compiled, nullable: boolean, path: string): Compiled {
  if (!nullable) return inner;
  return {
    encode: (w, v) => {
      if (v === null) {
        w.int8(-1);
        return;
      }
      w.int8(1);
      inner.encode(w, v);
    },
    decode: (r) => (r.int8(path) < 0 ? null : inner.decode(r)),
    minSize: 1,
  };
}
