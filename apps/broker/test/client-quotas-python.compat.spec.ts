import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlterClientQuotas, ErrorCode } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { python } from './support/external-clients.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

/**
 * confluent-kafka (librdkafka) as client id `py-producer`: produces 60 values of 10 KiB and
 * prints the throttle times librdkafka reported through `throttle_cb` and how many were delivered.
 * (Neither confluent-kafka 1.7 nor kafka-python 2.0 has a client quota admin API.)
 */
const CONFLUENT_KAFKA_THROTTLED = `
import json, sys
from confluent_kafka import Producer
throttles = []
delivered = []
producer = Producer({'bootstrap.servers': sys.argv[1], 'client.id': 'py-producer', 'linger.ms': 0,
    'throttle_cb': lambda event: throttles.append(event.throttle_time)})
for i in range(60):
    producer.produce('py-throttled', value=b'x' * 10240,
        on_delivery=lambda err, msg: delivered.append(err is None))
    producer.poll(0)
producer.flush(30)
producer.poll(0.5)
print(json.dumps({'throttles': throttles, 'delivered': sum(delivered)}))
`;

describe('client quotas with Python clients', () => {
  let broker: RunningBroker;

  afterEach(() => broker.close());

  it("confluent-kafka's producer over its quota hears throttle_time_ms and every record is delivered", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'client-quotas-python-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false, quotaWindowNum: 2 });
    const admin = await RawClient.connect(broker.port);
    try {
      await createTopic(admin, 'py-throttled', 1);
      const { entries } = await admin.request(AlterClientQuotas, 1, {
        entries: [
          {
            entity: [{ entityType: 'client-id', entityName: 'py-producer' }],
            ops: [{ key: 'producer_byte_rate', value: 200 * 1024, remove: false }],
          },
        ],
        validateOnly: false,
      });
      expect(entries[0]!.errorCode).toBe(ErrorCode.NONE);
    } finally {
      admin.close();
    }
    const out = JSON.parse(await python(CONFLUENT_KAFKA_THROTTLED, [broker.bootstrapServers], 60_000)) as {
      throttles: number[];
      delivered: number;
    };
    expect(out.delivered).toBe(60);
    expect(out.throttles.length).toBeGreaterThan(0);
    expect(Math.max(...out.throttles)).toBeGreaterThan(0);
  }, 90_000);
});
