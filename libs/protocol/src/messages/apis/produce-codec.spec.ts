import { randomBytes } from 'node:crypto';
import { Reader } from '../../bytes/reader.js';
import { Writer } from '../../bytes/writer.js';
import { compileSchema, decodeFrom, encode, encodeInto } from '../codec.js';
import { RequestHeader, ResponseHeader } from '../headers.js';
import type { MessageSchema } from '../schema.js';
import { Produce } from './produce.js';

// The hand-written codecs (produce-codec.ts, headers.ts) against the compiled codec they replace:
// the same bytes, the same values with their fields in the same order, the same errors.

const HAND_WRITTEN_VERSIONS = [3, 4, 5, 6, 7, 8];
const CASES = 300;

/** A small deterministic generator, so a failing case is the same on every run. */
function generator(seed: number) {
  let state = seed * 2654435761 + 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!,
  };
}

function randomRequest(seed: number) {
  const g = generator(seed);
  return {
    transactionalId: g.pick([null, '', 'tx-1', 'ünïcödé']),
    acks: g.pick([-1, 0, 1, 2]),
    timeoutMs: g.pick([0, 1500, 2 ** 31 - 1, -1]),
    topicData: Array.from({ length: g.int(4) }, (_, t) => ({
      name: g.pick(['orders', '', `topic-${t}`, 'ü']),
      partitionData: Array.from({ length: g.int(4) }, () => ({
        index: g.pick([0, 1, 7, -1, 2 ** 31 - 1]),
        records: g.pick([null, Buffer.alloc(0), randomBytes(1 + g.int(64))]),
      })),
    })),
  };
}

/** Responses as a handler may build them: fields omitted, int64s as numbers, nulls where allowed and where not. */
function randomResponse(seed: number): unknown {
  const g = generator(seed);
  const maybe = <T>(value: T): T | undefined => (g.int(5) === 0 ? undefined : value);
  return {
    throttleTimeMs: maybe(g.pick([0, 40, 2 ** 31 - 1])),
    responses: maybe(
      Array.from({ length: g.int(3) }, () =>
        g.int(20) === 0
          ? null
          : {
              name: maybe(g.pick(['orders', '', 'ü', ...(g.int(10) === 0 ? [null] : [])])),
              partitionResponses: maybe(
                Array.from({ length: g.int(3) }, () => ({
                  index: maybe(g.pick([0, 3, -1])),
                  errorCode: maybe(g.pick([0, 87, -1])),
                  baseOffset: maybe(g.pick([0n, -1n, 1234567890123n, 2n ** 62n, -(2n ** 63n), 17])),
                  logAppendTimeMs: maybe(g.pick([-1n, 1700000000000n, 2n ** 63n - 1n])),
                  logStartOffset: maybe(g.pick([-1n, 0n, 2n ** 53n, 2n ** 53n + 1n])),
                  recordErrors: maybe(
                    g.int(4) === 0
                      ? [{ batchIndex: 2, batchIndexErrorMessage: 'key is null' }, {}, null]
                      : [],
                  ),
                  errorMessage: maybe(g.pick([null, 'invalid record', ''])),
                })),
              ),
            },
      ),
    ),
  };
}

/** Keys in order, all the way down, so a decoded value's shape is compared as well as its values. */
function shapeOf(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(shapeOf);
  return Object.entries(value).map(([key, v]) => [key, shapeOf(v)]);
}

function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (err) {
    return { error: (err as Error).constructor.name, message: (err as Error).message };
  }
}

/** The decoded value (or the error) and the bytes left, by the codec in use and by the compiled one. */
function decodeBoth(schema: MessageSchema<unknown>, version: number, bytes: Buffer) {
  const read = (decodeWith: (r: Reader) => unknown) =>
    outcome(() => {
      const r = new Reader(bytes);
      return { decoded: shapeOf(decodeWith(r)), left: r.remaining };
    });
  return {
    handWritten: read((r) => decodeFrom(r, schema, version)),
    compiled: read((r) => compileSchema(schema, version).decode(r)),
  };
}

function encodeBoth(schema: MessageSchema<unknown>, version: number, value: unknown) {
  const write = (encodeWith: (w: Writer) => void) =>
    outcome(() => {
      const w = new Writer();
      encodeWith(w);
      return w.finish().toString('hex');
    });
  return {
    handWritten: write((w) => encodeInto(w, schema, version, value as never)),
    compiled: write((w) => compileSchema(schema, version).encode(w, value)),
  };
}

describe.each(HAND_WRITTEN_VERSIONS)('Produce v%i by hand', (version) => {
  it('decodes every request as the compiled codec does, with its fields in the same order', () => {
    for (let seed = 0; seed < CASES; seed++) {
      const bytes = encode(Produce.request, version, randomRequest(seed));
      const { handWritten, compiled } = decodeBoth(Produce.request, version, bytes);
      expect(handWritten).toEqual(compiled);
      expect(handWritten).toHaveProperty('value.left', 0);
      expect(handWritten).not.toHaveProperty('error');
    }
  });

  it('fails on every truncated or corrupted request as the compiled codec does', () => {
    const bytes = encode(Produce.request, version, randomRequest(7));
    for (let end = 0; end < bytes.length; end++) {
      const { handWritten, compiled } = decodeBoth(Produce.request, version, bytes.subarray(0, end));
      expect(handWritten).toEqual(compiled);
    }
    const g = generator(version);
    for (let i = 0; i < CASES; i++) {
      const corrupted = Buffer.from(bytes);
      corrupted[g.int(corrupted.length)] = g.pick([0x00, 0x7f, 0x80, 0xff]);
      const { handWritten, compiled } = decodeBoth(Produce.request, version, corrupted);
      expect(handWritten).toEqual(compiled);
    }
  });

  it('encodes every response to the compiled codec bytes, and refuses what it refuses', () => {
    let refused = 0;
    for (let seed = 0; seed < CASES; seed++) {
      const { handWritten, compiled } = encodeBoth(Produce.response, version, randomResponse(seed));
      expect(handWritten).toEqual(compiled);
      if ('error' in (compiled as object)) refused++;
    }
    expect(refused).toBeGreaterThan(0);
    expect(encodeBoth(Produce.response, version, undefined).handWritten).toEqual(
      encodeBoth(Produce.response, version, undefined).compiled,
    );
  });
});

describe('request and response headers by hand', () => {
  it('reads a v1 request header prefix as the compiled codec does, truncated too', () => {
    for (const clientId of [null, '', 'request-path-producer', 'ü']) {
      const bytes = encode(RequestHeader, 1, {
        requestApiKey: 0,
        requestApiVersion: 8,
        correlationId: 2 ** 31 - 1,
        clientId,
      });
      for (let end = 0; end <= bytes.length; end++) {
        const { handWritten, compiled } = decodeBoth(RequestHeader, 1, bytes.subarray(0, end));
        expect(handWritten).toEqual(compiled);
      }
    }
  });

  it('writes a v0 response header as the compiled codec does', () => {
    for (const value of [
      { correlationId: 7 },
      { correlationId: -1 },
      {},
      undefined,
      { correlationId: 2 ** 31 },
    ]) {
      const { handWritten, compiled } = encodeBoth(ResponseHeader, 0, value);
      expect(handWritten).toEqual(compiled);
    }
  });
});
