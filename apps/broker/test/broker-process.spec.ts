import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiVersions } from '@runnel/protocol';
import { BrokerProcess } from '../src/testing/index.js';
import { RawClient } from './support/raw-client.js';

/** A frame size above socket.request.max.bytes: the broker logs one warning line and closes. */
const OVERSIZED_FRAME = Buffer.from([0x7f, 0xff, 0xff, 0xff]);
/** Well past a pipe's 64 KiB buffer, at about 200 bytes per warning line. */
const CLOSED_CONNECTIONS = 1000;

/** Resolves once the broker has printed `count` lines matching `pattern` (it prints them as it closes). */
async function printed(broker: BrokerProcess, pattern: RegExp, count: number): Promise<number> {
  const matches = () => broker.output.join('').match(pattern)?.length ?? 0;
  while (matches() < count) await once(broker.child.stdout!, 'data');
  return matches();
}

async function refusedConnection(port: number): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(OVERSIZED_FRAME);
  await once(socket, 'close');
}

describe('BrokerProcess', () => {
  let broker: BrokerProcess;

  beforeAll(async () => {
    broker = await BrokerProcess.start(mkdtempSync(join(tmpdir(), 'runnel-broker-process-')));
  });
  afterAll(() => broker.stop('SIGKILL'));

  it('keeps reading what the broker prints after it is ready, so a broker that logs a lot never blocks on its stdout', async () => {
    for (let i = 0; i < CLOSED_CONNECTIONS; i += 50) {
      await Promise.all(Array.from({ length: 50 }, () => refusedConnection(broker.port)));
    }
    const client = await RawClient.connect(broker.port);
    try {
      const response = await client.request(ApiVersions, 3, {
        clientSoftwareName: 'runnel-test',
        clientSoftwareVersion: '0',
      });
      expect(response.errorCode).toBe(0);
    } finally {
      client.close();
    }
    const warning = /closed connection from .*socket\.request\.max\.bytes/g;
    expect(await printed(broker, warning, CLOSED_CONNECTIONS)).toBe(CLOSED_CONNECTIONS);
  });
});
