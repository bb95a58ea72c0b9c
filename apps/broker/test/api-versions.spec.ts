import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiVersions, decodeResponseFrame, ErrorCode, encodeRequestFrame } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

describe('broker ApiVersions', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-'));
    broker = await startBroker({ port: 0, httpPort: 0, dataDir, logger: false });
  });
  afterAll(() => broker.close());

  it('advertises minimum version 0 for every API it serves', async () => {
    const client = await RawClient.connect(broker.port);
    const body = await client.request(ApiVersions, 3, {
      clientSoftwareName: 'test',
      clientSoftwareVersion: '1',
    });
    client.close();
    expect(body.errorCode).toBe(ErrorCode.NONE);
    expect(body.apiKeys).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 });
    expect(body.apiKeys.every((k) => k.minVersion === 0)).toBe(true);
  });

  it('advertises both ways of altering configs: AlterConfigs v0-2 and IncrementalAlterConfigs v0-1', async () => {
    const client = await RawClient.connect(broker.port);
    const body = await client.request(ApiVersions, 3, {
      clientSoftwareName: 'test',
      clientSoftwareVersion: '1',
    });
    client.close();
    expect(body.apiKeys).toContainEqual({ apiKey: 33, minVersion: 0, maxVersion: 2 });
    expect(body.apiKeys).toContainEqual({ apiKey: 44, minVersion: 0, maxVersion: 1 });
  });

  it('answers a version above ours with a v0 UNSUPPORTED_VERSION reply, as Java 3.9 clients expect', async () => {
    // ApiVersions v4 as a Java client sends it: header v2 (clientId, empty tags), compact strings, tags.
    const body = Buffer.from(
      '0012' + '0004' + '00000007' + '0001' + '6a' + '00' + '056a617661' + '02' + '33' + '00',
      'hex',
    );
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    const client = await RawClient.connect(broker.port);
    client.write(Buffer.concat([size, body]));
    const frame = await client.nextFrame();
    client.close();
    const { correlationId, body: response } = decodeResponseFrame(ApiVersions, 0, frame!);
    expect(correlationId).toBe(7);
    expect(response.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(response.apiKeys).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 });
  });

  it('answers pipelined requests in request order', async () => {
    const client = await RawClient.connect(broker.port);
    for (const id of [1, 2, 3, 4, 5]) {
      client.write(encodeRequestFrame(ApiVersions, id % 4, { correlationId: id, clientId: null }, {}));
    }
    const correlationIds: number[] = [];
    for (let i = 0; i < 5; i++) correlationIds.push((await client.nextFrame())!.readInt32BE(0));
    client.close();
    expect(correlationIds).toEqual([1, 2, 3, 4, 5]);
  });

  it('closes a connection whose frame is larger than socket.request.max.bytes, and keeps serving others', async () => {
    const socket = connect(broker.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(Buffer.from('7fffffff', 'hex'));
    await once(socket, 'close');
    const client = await RawClient.connect(broker.port);
    const body = await client.request(ApiVersions, 0, {});
    client.close();
    expect(body.errorCode).toBe(ErrorCode.NONE);
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
