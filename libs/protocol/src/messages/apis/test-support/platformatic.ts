import * as platformatic from '@platformatic/kafka';

/**
 * @platformatic/kafka 1.35's own protocol code, as an independent implementation of the flexible
 * versions kafkajs never speaks. Each API version is a module (`metadataV9`, `joinGroupV6`, ...)
 * whose `createRequest(...args)` returns a Writer holding the request body (no size or header),
 * and whose `parseResponse(correlationId, apiKey, version, reader)` reads a response body and
 * throws a ResponseError carrying the parsed response when any error code is set.
 */

interface PlatformaticApiModule {
  createRequest(...args: unknown[]): { readonly buffer: Buffer };
  parseResponse(correlationId: number, apiKey: number, version: number, reader: unknown): unknown;
}

function apiModule(name: string): PlatformaticApiModule {
  const module = (platformatic as unknown as Record<string, PlatformaticApiModule | undefined>)[name];
  if (!module) throw new Error(`@platformatic/kafka has no API module '${name}'`);
  return module;
}

/** The request body @platformatic/kafka's `<name>` module writes for `args`. */
export function encodeWithPlatformatic(name: string, ...args: unknown[]): Buffer {
  return apiModule(name).createRequest(...args).buffer;
}

/** What @platformatic/kafka's `<name>` module parses from a response body (errors included). */
export function parseWithPlatformatic(name: string, apiKey: number, version: number, body: Buffer): unknown {
  try {
    return apiModule(name).parseResponse(0, apiKey, version, platformatic.Reader.from(body));
  } catch (err) {
    if (err instanceof platformatic.ResponseError) return (err as { response?: unknown }).response;
    throw err;
  }
}
