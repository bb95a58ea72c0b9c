import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import {
  ALL_APIS,
  ApiVersions,
  decodeRequestHeaderPrefix,
  ErrorCode,
  encodeResponseFrame,
} from '@runnel/protocol';
import { FrameReader } from '../../src/connection/frame-reader.js';

/**
 * A TCP peer that is not a broker, for the faults a real broker does not commit on demand: it reads
 * request frames and does what the test says with each. With `answerApiVersions` it answers
 * ApiVersions like a broker that speaks every API of this codec; every other request goes to
 * `onRequest` (which may answer, hold, or close) and is recorded in `received`.
 */
export class ScriptedPeer {
  readonly server: Server;
  readonly received: { apiKey: number; correlationId: number }[] = [];
  sockets: Socket[] = [];
  onRequest: (socket: Socket, apiKey: number, correlationId: number, version: number) => void = () => {};
  /** Highest ApiVersions version answered normally; above it, `refuseApiVersions` answers. */
  maxApiVersions = 3;
  readonly apiVersionsAsked: number[] = [];
  refuseApiVersions: (correlationId: number) => Buffer = () => Buffer.alloc(0);

  constructor(readonly answerApiVersions: boolean) {
    this.server = createServer((socket) => {
      this.sockets.push(socket);
      const reader = new FrameReader();
      socket.on('error', () => {});
      socket.on('data', (chunk: Buffer) => {
        reader.push(chunk);
        for (let frame = reader.next(); frame !== undefined; frame = reader.next()) {
          const header = decodeRequestHeaderPrefix(frame);
          this.received.push({ apiKey: header.requestApiKey, correlationId: header.correlationId });
          if (header.requestApiKey === ApiVersions.apiKey && this.answerApiVersions) {
            this.apiVersionsAsked.push(header.requestApiVersion);
            socket.write(
              header.requestApiVersion > this.maxApiVersions
                ? this.refuseApiVersions(header.correlationId)
                : apiVersionsAnswer(header.requestApiVersion, header.correlationId),
            );
          } else {
            this.onRequest(socket, header.requestApiKey, header.correlationId, header.requestApiVersion);
          }
        }
      });
    });
  }

  async listen(): Promise<{ host: string; port: number }> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return { host: '127.0.0.1', port: address.port };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** An ApiVersions answer listing every API of this codec at its full range. */
export function apiVersionsAnswer(version: number, correlationId: number): Buffer {
  return encodeResponseFrame(ApiVersions, version, correlationId, {
    errorCode: ErrorCode.NONE,
    apiKeys: ALL_APIS.map((api) => ({
      apiKey: api.apiKey,
      minVersion: api.request.validVersions.min,
      maxVersion: api.request.validVersions.max,
    })),
  });
}

/** A port nothing listens on: bound once, then closed. */
export async function refusingPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
