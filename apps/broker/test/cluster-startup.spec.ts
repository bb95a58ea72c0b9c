import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../src/broker.js';
import { BrokerStartupError } from '../src/startup/startup-error.js';

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('a broker in cluster mode that cannot reach etcd', () => {
  it('refuses to start with one line naming --cluster and leaves its data directory untouched', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-cluster-startup-'));
    try {
      const cluster = `etcd://127.0.0.1:${await closedPort()}`;
      const started = startBroker({ port: 0, httpPort: -1, dataDir, cluster, logger: false });
      await expect(started).rejects.toBeInstanceOf(BrokerStartupError);
      const error = (await started.catch((err: unknown) => err)) as BrokerStartupError;
      expect(error.option).toBe('cluster');
      expect(error.message).toContain(`--cluster ${cluster}, RUNNEL_CLUSTER`);
      expect(error.message).toContain('apt-get install etcd-server');
      expect(error.message).not.toContain('\n');
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 20_000);
});
