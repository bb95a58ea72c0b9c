import { Writer } from '../bytes/writer.js';
import { encodeInto } from './codec.js';
import { encodeResponseFrame, FRAME_SIZE_PREFIX, responseHeaderVersion } from './frames.js';
import { ResponseHeader } from './headers.js';
import { type AnyField, type Api, type InputOf, inRange, type MessageSchema, type Type } from './schema.js';

/**
 * A response frame as a list of buffers whose concatenation is exactly `encodeResponseFrame`'s
 * output for the same body: the size prefix, the header and every non-record field are encoded
 * once into one buffer, cut around each `records` field, and each non-empty `records` Buffer is
 * an element of its own, the caller's Buffer by reference (Kafka's FetchResponse is sent the same
 * way: field bytes, then the file region). Writing the list with writev (or under one cork)
 * sends the record bytes without copying them into the frame.
 *
 * The caller must not change a records Buffer until the list has been written.
 */
export function encodeResponseChunks<Res>(
  api: Api<unknown, Res>,
  version: number,
  correlationId: number,
  body: InputOf<Res>,
): Buffer[] {
  const collect = recordsCollectorFor(api.response as MessageSchema<unknown>, version);
  if (collect === null) return [encodeResponseFrame(api, version, correlationId, body)];
  const byReference = new Set<Buffer>();
  collect(body, byReference);
  const w = new ChunkWriter(byReference);
  w.int32(0);
  encodeInto(w, ResponseHeader, responseHeaderVersion(api as Api<unknown, unknown>, version), {
    correlationId,
  });
  encodeInto(w, api.response, version, body);
  w.patchInt32(0, w.length + w.referencedBytes - FRAME_SIZE_PREFIX);
  return w.chunks();
}

/** The size of a frame given as a list of buffers, size prefix included. */
export function chunksByteLength(chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  return total;
}

/**
 * A Writer that does not copy the Buffers in `byReference`: where one would be written it notes
 * the position instead, and `chunks()` returns the written bytes cut at those positions with each
 * such Buffer in its place. The codec writes bytes fields as length prefix then `raw(value)`, so
 * overriding `raw` is enough; a Buffer also used as an ordinary bytes field would be referenced
 * too, which changes no byte.
 */
class ChunkWriter extends Writer {
  private readonly cuts: { at: number; bytes: Buffer }[] = [];
  referencedBytes = 0;

  constructor(private readonly byReference: ReadonlySet<Buffer>) {
    super(256);
  }

  override raw(bytes: Uint8Array): this {
    if (bytes.length === 0 || !this.byReference.has(bytes as Buffer)) return super.raw(bytes);
    this.cuts.push({ at: this.length, bytes: bytes as Buffer });
    this.referencedBytes += bytes.length;
    return this;
  }

  chunks(): Buffer[] {
    const fields = this.finish();
    const chunks: Buffer[] = [];
    let from = 0;
    for (const { at, bytes } of this.cuts) {
      if (at > from) chunks.push(fields.subarray(from, at));
      chunks.push(bytes);
      from = at;
    }
    if (fields.length > from) chunks.push(fields.subarray(from));
    return chunks;
  }
}

/** Adds every records value found in a message value to the set. */
type Collect = (value: unknown, into: Set<Buffer>) => void;

/** Per schema and version: how to find its records fields, or null when it has none. */
const collectors = new WeakMap<MessageSchema<unknown>, Map<number, Collect | null>>();

function recordsCollectorFor(schema: MessageSchema<unknown>, version: number): Collect | null {
  let byVersion = collectors.get(schema);
  if (!byVersion) {
    byVersion = new Map();
    collectors.set(schema, byVersion);
  }
  let collect = byVersion.get(version);
  if (collect === undefined) {
    collect = collectorOf(schema.struct, version, inRange(schema.flexibleVersions, version));
    byVersion.set(version, collect);
  }
  return collect;
}

/**
 * Compiles, as the codec does, a walk over the fields present at `version` that reaches every
 * `records` field. Tagged fields are left out: the codec encodes them into a Writer of their own.
 */
function collectorOf(type: Type<unknown>, version: number, flexible: boolean): Collect | null {
  switch (type.kind) {
    case 'records':
      return (value, into) => {
        if (Buffer.isBuffer(value)) into.add(value);
      };
    case 'array': {
      const item = collectorOf(type.items, version, flexible);
      if (item === null) return null;
      return (value, into) => {
        if (Array.isArray(value)) for (const element of value) item(element, into);
      };
    }
    case 'struct': {
      const fields = type.fields
        .filter((f: AnyField) => inRange(f.versions, version))
        .filter((f: AnyField) => !(flexible && f.tag !== undefined && inRange(f.taggedVersions, version)))
        .map((f: AnyField) => ({ name: f.name, collect: collectorOf(f.type, version, flexible) }))
        .filter((f): f is { name: string; collect: Collect } => f.collect !== null);
      if (fields.length === 0) return null;
      return (value, into) => {
        if (value === null || typeof value !== 'object') return;
        const obj = value as Record<string, unknown>;
        for (const { name, collect } of fields) collect(obj[name], into);
      };
    }
    default:
      return null;
  }
}
