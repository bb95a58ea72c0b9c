import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';
import { python } from './support/external-clients.js';

/**
 * kafka-python 2.0.2 (Debian's) has no describe_log_dirs, nor has confluent-kafka 1.7 or
 * librdkafka 2.0; so DescribeLogDirs v1 is written and read here by kafka-python's own protocol
 * types (Schema, Array, Int64, ...), an encoder nobody here wrote, sent through its admin client's
 * connection and version handshake.
 */
const KAFKA_PYTHON_SCRIPT = `
import json, sys
from kafka.admin import KafkaAdminClient
from kafka.protocol.api import Request, Response
from kafka.protocol.types import Array, Boolean, Int16, Int32, Int64, Schema, String

# kafka-python 2.0.2 has no DescribeLogDirs; its own protocol types write and read v1 here.
class DescribeLogDirsResponse_v1(Response):
    API_KEY = 35
    API_VERSION = 1
    SCHEMA = Schema(
        ('throttle_time_ms', Int32),
        ('log_dirs', Array(
            ('error_code', Int16),
            ('log_dir', String('utf-8')),
            ('topics', Array(
                ('name', String('utf-8')),
                ('partitions', Array(
                    ('partition_index', Int32),
                    ('partition_size', Int64),
                    ('offset_lag', Int64),
                    ('is_future_key', Boolean))))))))

class DescribeLogDirsRequest_v1(Request):
    API_KEY = 35
    API_VERSION = 1
    RESPONSE_TYPE = DescribeLogDirsResponse_v1
    SCHEMA = Schema(('topics', Array(('topic', String('utf-8')), ('partitions', Array(Int32)))))

admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='log-dirs-test', request_timeout_ms=10000)
out = {}
for name, topics in [('all', None), ('asked', [('kp-sized', [1, 9])])]:
    future = admin._send_request_to_node(admin._client.least_loaded_node(), DescribeLogDirsRequest_v1(topics))
    admin._wait_for_futures([future])
    out[name] = [[err, d, [[t, [list(p) for p in ps]] for t, ps in topics]] for err, d, topics in future.value.log_dirs]
admin.close()
print(json.dumps(out))
`;

/** Bytes of a partition's `.log` files, read from the directory itself. */
function logFileBytes(dataDir: string, topic: string, partition: number): number {
  const dir = join(dataDir, `${topic}-${partition}`);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

describe('DescribeLogDirs from kafka-python', () => {
  let dataDir: string;
  let broker: RunningBroker;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-log-dirs-python-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    const kafka = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kp-sized', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'kp-sized', messages: [{ partition: 1, value: 'v'.repeat(4000) }] });
    await producer.disconnect();
  });
  afterAll(() => broker.close());

  it("answers v1 with the data dir and each partition's bytes of .log files, all or those asked for", async () => {
    const out = JSON.parse(await python(KAFKA_PYTHON_SCRIPT, [broker.bootstrapServers], 30_000));
    const sized1 = logFileBytes(dataDir, 'kp-sized', 1);
    expect(sized1).toBeGreaterThan(4000);
    expect(out.all).toEqual([
      [
        0,
        resolve(dataDir),
        [
          [
            'kp-sized',
            [
              [0, 0, 0, false],
              [1, sized1, 0, false],
            ],
          ],
        ],
      ],
    ]);
    expect(out.asked).toEqual([[0, resolve(dataDir), [['kp-sized', [[1, sized1, 0, false]]]]]]);
  });
});
