import fc from 'fast-check';
import { ProtocolError } from '../errors/protocol-error.js';
import { ALL_APIS } from './api-registry.js';
import { decode } from './codec.js';
import { decodeRequestFrame, decodeRequestHeaderPrefix } from './frames.js';
import type { MessageSchema } from './schema.js';

/** Every (schema, version) pair of every API, requests and responses. */
const schemasAtVersions: { schema: MessageSchema<unknown>; version: number }[] = ALL_APIS.flatMap((api) =>
  [api.request, api.response].flatMap((schema) =>
    Array.from({ length: schema.validVersions.max - schema.validVersions.min + 1 }, (_, i) => ({
      schema,
      version: schema.validVersions.min + i,
    })),
  ),
);

/** Decoding either succeeds or throws ProtocolError; anything else (RangeError, TypeError) fails the property. */
function decodesOrThrowsProtocolError(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (err) {
    if (err instanceof ProtocolError) return true;
    throw err;
  }
}

describe('decoders under hostile input', () => {
  it('random bytes at any API and version only ever throw ProtocolError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...schemasAtVersions),
        fc.uint8Array({ maxLength: 256 }),
        ({ schema, version }, bytes) =>
          decodesOrThrowsProtocolError(() => decode(schema, version, Buffer.from(bytes))),
      ),
      { numRuns: 5000 },
    );
  });

  it('length prefixes claiming huge sizes fail fast instead of allocating', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...schemasAtVersions),
        fc.array(fc.constantFrom(0xff, 0x7f, 0x00, 0x80), { minLength: 4, maxLength: 64 }),
        ({ schema, version }, bytes) =>
          decodesOrThrowsProtocolError(() => decode(schema, version, Buffer.from(bytes))),
      ),
      { numRuns: 3000 },
    );
  });

  it('random request frames only ever throw ProtocolError', () => {
    const apiKeyAndVersion = fc.constantFrom(
      ...ALL_APIS.flatMap((api) =>
        Array.from({ length: api.request.validVersions.max + 1 }, (_, v) => ({ api, version: v })),
      ),
    );
    fc.assert(
      fc.property(apiKeyAndVersion, fc.uint8Array({ maxLength: 200 }), ({ api, version }, tail) => {
        const header = Buffer.alloc(8);
        header.writeInt16BE(api.apiKey, 0);
        header.writeInt16BE(version, 2);
        header.writeInt32BE(1, 4);
        const frame = Buffer.concat([header, Buffer.from(tail)]);
        return (
          decodesOrThrowsProtocolError(() => decodeRequestHeaderPrefix(frame)) &&
          decodesOrThrowsProtocolError(() => decodeRequestFrame(api, frame))
        );
      }),
      { numRuns: 5000 },
    );
  });
});
