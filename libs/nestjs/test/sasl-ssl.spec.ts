import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { addScramUser, type RunningBroker, startBroker } from '@runnel/broker';
import type { RunnelOptions } from '@runnel/client';
import { lastValueFrom } from 'rxjs';
import { ClientRunnel } from '../src/index.js';
import { FAST_CONSUMER, Recorder, startService } from './support/runnel-test-kit.js';

/** The broker's test-only TLS fixtures (apps/broker/test/fixtures/tls/README.md). */
const FIXTURES = join(import.meta.dirname, '../../../apps/broker/test/fixtures/tls');

const received = new Recorder<unknown>();

@Controller()
class PaymentsController {
  @EventPattern<string>('payments')
  paid(@Payload() data: unknown): void {
    received.push(data);
  }
}

describe('ServerRunnel and ClientRunnel over SASL_SSL', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let client: ClientRunnel | undefined;
  let app: Awaited<ReturnType<typeof startService>> | undefined;
  let connection: (clientId: string) => RunnelOptions;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'runnel-nestjs-sasl-'));
    await addScramUser(dataDir, [
      'payments',
      '--mechanism',
      'SCRAM-SHA-512',
      '--password',
      'payments-secret',
    ]);
    broker = await startBroker({
      httpPort: -1,
      logger: false,
      dataDir,
      groupInitialRebalanceDelayMs: 0,
      listeners: 'SASL_SSL://127.0.0.1:0',
      sslKeyFile: join(FIXTURES, 'broker.key'),
      sslCertFile: join(FIXTURES, 'broker.crt'),
    });
    connection = (clientId) => ({
      clientId,
      brokers: [broker.bootstrapServers],
      ssl: { ca: [readFileSync(join(FIXTURES, 'ca.crt'))] },
      sasl: { mechanism: 'scram-sha-512', username: 'payments', password: 'payments-secret' },
    });
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    await app?.app.close();
    await broker?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('passes ssl and sasl through to @runnel/client: an emitted event reaches the handler', async () => {
    app = await startService([PaymentsController], {
      client: connection('payments-service'),
      consumer: { groupId: 'payments-service', ...FAST_CONSUMER },
      subscribe: { fromBeginning: true },
    });
    client = new ClientRunnel({ client: connection('caller'), producerOnlyMode: true });
    await client.connect();
    await lastValueFrom(client.emit('payments', { key: 'p-1', value: { amount: 42 } }));
    await expect(received.count(1)).resolves.toEqual([{ amount: 42 }]);
  }, 30_000);
});
