import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiVersions, ErrorCode } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

describe('broker connections', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-connections-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, connectionsMaxIdleMs: 1000, logger: false });
  });
  afterAll(() => broker.close());

  it('closes a connection idle for connections.max.idle.ms, after serving it', async () => {
    const client = await RawClient.connect(broker.port);
    const started = performance.now();
    expect((await client.request(ApiVersions, 0, {})).errorCode).toBe(ErrorCode.NONE);
    expect(await client.nextFrame()).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });
});
