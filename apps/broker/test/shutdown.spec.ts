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
});
