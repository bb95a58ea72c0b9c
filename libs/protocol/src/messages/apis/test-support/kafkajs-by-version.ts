import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4's per-version protocol modules, loaded straight from
 * `kafkajs/src/protocol/requests/<api>/v<version>/{request,response}.js`, so that a response
 * module can be had without building a request, and a request builder gets exactly the arguments
 * given (its `index.js` passes on only some of them).
 */

const require = createRequire(import.meta.url);

interface KafkajsRequest {
  readonly apiVersion: number;
  encode(): Promise<{ readonly buffer: Buffer }>;
}

interface KafkajsResponse {
  decode(body: Buffer): Promise<unknown>;
  parse(decoded: unknown): Promise<unknown>;
}

/** Loads a module under `kafkajs/src/protocol/`, e.g. `recordBatch/v0/index.js`. */
export function kafkajsProtocolModule<T>(path: string): T {
  return require(`kafkajs/src/protocol/${path}`) as T;
}

/** The body (no size, no header) kafkajs writes for its v`version` `api` request built from `args`. */
export async function encodeWithKafkajs(api: string, version: number, args: object): Promise<Buffer> {
  const build = kafkajsProtocolModule<(args: object) => KafkajsRequest>(
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
