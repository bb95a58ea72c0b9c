import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, type StartBrokerOptions, startBroker } from '../../src/index.js';
import { RawClient } from './raw-client.js';

/**
 * Starts a broker on a fresh temporary data directory (port 0, no HTTP listener, no log) and runs
 * `seed` over a RawClient connected to it, so that it is handed out with its topics and records
 * already in place. The client is closed whether or not `seed` succeeds; the broker is closed if
 * it fails.
 */
export async function startSeededBroker(
  seed: (client: RawClient) => Promise<void>,
  options: Omit<StartBrokerOptions, 'dataDir'> = {},
): Promise<RunningBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-seeded-'));
  const broker = await startBroker({ port: 0, httpPort: -1, logger: false, ...options, dataDir });
  try {
    const client = await RawClient.connect(broker.port);
    try {
      await seed(client);
    } finally {
      client.close();
    }
  } catch (err) {
    await broker.close();
    throw err;
  }
  return broker;
}
