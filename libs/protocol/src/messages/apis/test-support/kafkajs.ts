import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4's own protocol code, loaded from its CommonJS sources, as an independent
 * implementation to hold our bytes against. Each `requests/<api>/index.js` maps every version
 * kafkajs speaks to a builder of `{ request, response }`: the request's `encode()` resolves to an
 * Encoder whose `buffer` is the body (no size or header). `requests/<api>/v<N>/response.js` has
 * the response's `decode` and `parse`.
 */

const require = createRequire(import.meta.url);

interface KafkajsRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  encode(): Promise<{ readonly buffer: Buffer }>;
}

interface KafkajsResponse {
  decode(bytes: Buffer): Promise<unknown>;
  parse(data: unknown): Promise<unknown>;
}

interface KafkajsRequestBuilder {
  readonly apiVersion: number;
  encode(): Promise<{ readonly buffer: Buffer }>;
}

interface KafkajsApi {
  readonly versions: readonly string[];
  protocol(options: { version: number }): (args: unknown) => { request: KafkajsRequest };
}

function load(api: string): KafkajsApi {
  return require(`kafkajs/src/protocol/requests/${api}/index.js`) as KafkajsApi;
}

/** Loads a module under `kafkajs/src/protocol/`, e.g. `recordBatch/v0/index.js`. */
export function kafkajsProtocolModule<T>(path: string): T {
  return require(`kafkajs/src/protocol/${path}`) as T;
}

/** The body (no size, no header) kafkajs writes for its v`version` `api` request built from `args`. */
export async function encodeWithKafkajs(api: string, version: number, args: object): Promise<Buffer> {
  const build = kafkajsProtocolModule<(args: object) => KafkajsRequestBuilder>(
    `requests/${api}/v${version}/request.js`,
  );
  return (await build(args).encode()).buffer;
}

/** What kafkajs's v`version` `api` response decoder makes of `body`. */
export function decodeWithKafkajs(api: string, version: number, body: Buffer): Promise<unknown> {
  return kafkajsProtocolModule<KafkajsResponse>(`requests/${api}/v${version}/response.js`).decode(body);
}

/** What kafkajs's v`version` `api` response decoder and then its parser (error codes) make of `body`. */
export async function parseWithKafkajs(api: string, version: number, body: Buffer): Promise<unknown> {
  const response = kafkajsProtocolModule<KafkajsResponse>(`requests/${api}/v${version}/response.js`);
  return response.parse(await response.decode(body));
}

/** The versions kafkajs implements for `api` (its directory name, e.g. `joinGroup`). */
export function kafkajsVersions(api: string): number[] {
  return load(api).versions.map(Number);
}

/** The request body kafkajs writes at `version` for its builder arguments `args`. */
export async function kafkajsRequestBody(
  api: string,
  version: number,
  args: unknown,
): Promise<{ apiKey: number; apiVersion: number; body: Buffer }> {
  const { request } = load(api).protocol({ version })(args);
  const encoder = await request.encode();
  return { apiKey: request.apiKey, apiVersion: request.apiVersion, body: encoder.buffer };
}

/** kafkajs's consumer protocol payloads (`consumer/assignerProtocol.js`). */
export const kafkajsAssignerProtocol = require('kafkajs/src/consumer/assignerProtocol.js') as {
  MemberMetadata: {
    encode(value: { version: number; topics: string[]; userData?: Buffer }): Buffer;
    decode(bytes: Buffer): { version: number; topics: string[]; userData: Buffer | null };
  };
  MemberAssignment: {
    encode(value: { version: number; assignment: Record<string, number[]>; userData?: Buffer }): Buffer;
    decode(
      bytes: Buffer,
    ): { version: number; assignment: Record<string, number[]>; userData: Buffer | null } | null;
  };
};

/**
 * How kafkajs reports a response's throttle time at `version`: nothing before the field exists,
 * `throttleTime` until brokers began throttling after responding, then `clientSideThrottleTime`
 * with `throttleTime: 0`.
 */
export function kafkajsThrottle(
  ms: number,
  version: number,
  versions: { since: number; clientSideSince: number },
): Record<string, number> {
  if (version < versions.since) return {};
  if (version < versions.clientSideSince) return { throttleTime: ms };
  return { throttleTime: 0, clientSideThrottleTime: ms };
}
