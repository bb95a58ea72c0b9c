import { decode, encode } from '../codec.js';
import {
  type AnyField,
  type Api,
  cloneDefault,
  type InputOf,
  inRange,
  type MessageSchema,
  type Type,
} from '../schema.js';

/**
 * What `value` should decode to at `version`: fields that version does not carry take their
 * defaults, recursively. Used to state round-trip expectations without writing them per version.
 */
export function projectToVersion(type: Type<unknown>, version: number, value: unknown): unknown {
  if (type.kind === 'array') {
    return value === null ? null : (value as unknown[]).map((v) => projectToVersion(type.items, version, v));
  }
  if (type.kind !== 'struct' || value === null) return value;
  const input = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of type.fields as readonly AnyField[]) {
    const present = inRange(field.versions, version) && input[field.name] !== undefined;
    out[field.name] = present
      ? projectToVersion(field.type, version, input[field.name])
      : cloneDefault(field.default);
  }
  return out;
}

/** Every version of the message: encode, decode, compare with the projection, re-encode to the same bytes. */
export function expectRoundTripAtEveryVersion<T>(schema: MessageSchema<T>, value: InputOf<T>): void {
  for (let version = schema.validVersions.min; version <= schema.validVersions.max; version++) {
    const bytes = encode(schema, version, value);
    const decoded = decode(schema, version, bytes);
    expect({ version, decoded }).toEqual({
      version,
      decoded: projectToVersion(schema.struct, version, value),
    });
    expect({ version, bytes: encode(schema, version, decoded as InputOf<T>).toString('hex') }).toEqual({
      version,
      bytes: bytes.toString('hex'),
    });
  }
}

/** Round-trips both the request and the response of an API at every version. */
export function expectApiRoundTrip<Req, Res>(
  api: Api<Req, Res>,
  request: InputOf<Req>,
  response: InputOf<Res>,
): void {
  expectRoundTripAtEveryVersion(api.request, request);
  expectRoundTripAtEveryVersion(api.response, response);
}
