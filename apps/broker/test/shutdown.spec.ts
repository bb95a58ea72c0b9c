import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecordBatch, Produce } from '@runnel/protocol';
import { BrokerProcess } from '../src/testing/index.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

describe('broker shutdown', () => {
  const brokers: BrokerProcess[] = [];
  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((b) => b.stop('SIGKILL')));
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s flushes, writes the clean-shutdown marker of every partition and exits 0',
    async (signal) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'runnel-shutdown-'));
      const broker = await BrokerProcess.start(dataDir);
      brokers.push(broker);
      const client = await RawClient.connect(broker.port);
      await createTopic(client, 'orders', 2);
      const response = await client.request(Produce, 7, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5000,
        topicData: [
          {
            name: 'orders',
            partitionData: [
              {
                index: 0,
                records: await encodeRecordBatch({
                  records: [{ value: Buffer.from('x'), timestamp: Date.now() }],
                }),
              },
            ],
          },
        ],
      });
      expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
      client.close();

      expect(await broker.stop(signal)).toBe(0);
      for (const partition of ['orders-0', 'orders-1']) {
        expect(existsSync(join(dataDir, partition, '.kafka_cleanshutdown'))).toBe(true);
      }
    },
  );

  it('shuts down cleanly on a SIGTERM sent the moment the ready line is printed', async () => {
    // The ready line is the signal that a supervisor may stop the broker: the handlers must be
    // in place by then, or the default action kills it (exit by signal, no clean shutdown).
    for (let round = 0; round < 8; round++) {
      const broker = await BrokerProcess.start(mkdtempSync(join(tmpdir(), 'runnel-shutdown-')));
      brokers.push(broker);
      expect(await broker.stop('SIGTERM')).toBe(0);
      brokers.pop();
    }
    // Eight process starts: about 8 s on a quiet machine, several times that on a loaded one.
  }, 90_000);
});
