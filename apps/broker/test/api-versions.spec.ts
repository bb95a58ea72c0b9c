import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiVersions, decodeResponseFrame, ErrorCode, encodeRequestFrame } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';

/** Sends frames on one socket and collects `count` response frames (without size prefixes). */
async function exchange(port: number, frames: Buffer[], count: number): Promise<Buffer[]> {
  const socket: Socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  for (const frame of frames) socket.write(frame);
  const responses: Buffer[] = [];
  let pending = Buffer.alloc(0);
  for await (const chunk of socket) {
    pending = Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      responses.push(pending.subarray(4, 4 + pending.readInt32BE(0)));
      pending = pending.subarray(4 + pending.readInt32BE(0));
    }
    if (responses.length >= count) break;
  }
  socket.destroy();
  return responses;
}

describe('broker ApiVersions', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      httpPort: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'runnel-')),
      logger: false,
    });
  });
  afterAll(() => broker.close());

  it('advertises minimum version 0 for every API it serves', async () => {
    const request = encodeRequestFrame(
      ApiVersions,
      3,
      { correlationId: 1, clientId: 'test' },
      {
        clientSoftwareName: 'test',
        clientSoftwareVersion: '1',
      },
    );
    const [frame] = await exchange(broker.port, [request], 1);
    const { correlationId, body } = decodeResponseFrame(ApiVersions, 3, frame!);
    expect(correlationId).toBe(1);
    expect(body.errorCode).toBe(ErrorCode.NONE);
    expect(body.apiKeys).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 });
    expect(body.apiKeys.every((k) => k.minVersion === 0)).toBe(true);
  });

  it('answers a version above ours with a v0 UNSUPPORTED_VERSION reply, as Java 3.9 clients expect', async () => {
    // ApiVersions v4 as a Java client sends it: header v2 (clientId, empty tags), compact strings, tags.
    const body = Buffer.from(
      '0012' + '0004' + '00000007' + '0001' + '6a' + '00' + '056a617661' + '02' + '33' + '00',
      'hex',
    );
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    const [frame] = await exchange(broker.port, [Buffer.concat([size, body])], 1);
    const { correlationId, body: response } = decodeResponseFrame(ApiVersions, 0, frame!);
    expect(correlationId).toBe(7);
    expect(response.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(response.apiKeys).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 });
  });

  it('answers pipelined requests in request order', async () => {
    const frames = [1, 2, 3, 4, 5].map((id) =>
      encodeRequestFrame(ApiVersions, id % 4, { correlationId: id, clientId: null }, {}),
    );
    const responses = await exchange(broker.port, frames, 5);
    expect(responses.map((f) => f.readInt32BE(0))).toEqual([1, 2, 3, 4, 5]);
  });

  it('closes a connection whose frame is larger than socket.request.max.bytes, and keeps serving others', async () => {
    const socket = connect(broker.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(Buffer.from('7fffffff', 'hex'));
    await once(socket, 'close');
    const [frame] = await exchange(
      broker.port,
      [encodeRequestFrame(ApiVersions, 0, { correlationId: 9 }, {})],
      1,
    );
    expect(frame!.readInt32BE(0)).toBe(9);
  });

  it('serves /health and Prometheus /metrics over HTTP', async () => {
    const health = await fetch(`http://127.0.0.1:${broker.httpPort}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', port: broker.port });
    const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/runnel_requests_total\{api="ApiVersions",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/runnel_request_duration_seconds_bucket\{le="[^"]+",api="ApiVersions"\}/);
  });
});
