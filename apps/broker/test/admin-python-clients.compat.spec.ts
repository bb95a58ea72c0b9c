import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '../src/index.js';
import { python } from './support/external-clients.js';

const CLIENT_TIMEOUT_MS = 30_000;

/** Runs a Python script with the bootstrap servers as argv[1]; it prints one JSON document. */
async function runPython(script: string, bootstrapServers: string): Promise<unknown> {
  return JSON.parse(await python(script, [bootstrapServers], CLIENT_TIMEOUT_MS));
}

const KAFKA_PYTHON_SCRIPT = `
import json, sys
from kafka.admin import KafkaAdminClient, NewTopic, ConfigResource, ConfigResourceType
from kafka.errors import KafkaError

admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='admin-test', request_timeout_ms=10000)
out = {}
created = admin.create_topics([NewTopic('kp-orders', 3, 1, topic_configs={'retention.ms': '3600000'})])
out['created'] = [[t[0], t[1]] for t in created.topic_errors]
try:
    admin.create_topics([NewTopic('kp-bad', 1, 1, topic_configs={'retention.ms': 'soon'})])
    out['refused'] = None
except KafkaError as e:
    out['refused'] = [type(e).__name__, str(e)]
described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, 'kp-orders')])
out['configs'] = {e[0]: [e[1], e[3]] for r in described for res in r.resources for e in res[4]}
out['listed'] = sorted(admin.list_topics())
deleted = admin.delete_topics(['kp-orders'])
out['deleted'] = [[t[0], t[1]] for t in deleted.topic_error_codes]
out['after'] = sorted(admin.list_topics())
admin.close()
print(json.dumps(out))
`;

const CONFLUENT_KAFKA_SCRIPT = `
import json, sys
from confluent_kafka.admin import AdminClient, NewTopic, ConfigResource

admin = AdminClient({'bootstrap.servers': sys.argv[1]})
out = {'created': {}}
futures = admin.create_topics(
    [NewTopic('ck-orders', 4, 1, config={'cleanup.policy': 'compact'}),
     NewTopic('ck-bad', 1, 1, config={'retention.bytez': '1'})],
    operation_timeout=5, request_timeout=10)
for topic, future in futures.items():
    try:
        future.result()
        out['created'][topic] = 'NONE'
    except Exception as e:
        out['created'][topic] = [e.args[0].name(), e.args[0].str()]
futures = admin.describe_configs([ConfigResource('topic', 'ck-orders'), ConfigResource('broker', '1')], request_timeout=10)
out['configs'] = {}
for resource, future in futures.items():
    out['configs'][resource.name] = {k: [v.value, v.source] for k, v in future.result().items()}
metadata = admin.list_topics(timeout=10)
out['partitions'] = {t: len(m.partitions) for t, m in metadata.topics.items()}
print(json.dumps(out))
`;

describe('Python admin clients', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-admin-python-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, numPartitions: 2, logger: false });
  });
  afterAll(() => broker.close());

  it(
    'kafka-python KafkaAdminClient creates, describes and deletes topics',
    async () => {
      const out = await runPython(KAFKA_PYTHON_SCRIPT, broker.bootstrapServers);
      expect(out).toEqual({
        created: [['kp-orders', 0]],
        refused: [
          'InvalidConfigurationError',
          expect.stringContaining(
            "error_message='Invalid value soon for configuration retention.ms: Not a number of type LONG'",
          ),
        ],
        configs: expect.objectContaining({
          'retention.ms': ['3600000', 1],
          'segment.bytes': ['1073741824', 5],
          'cleanup.policy': ['delete', 5],
        }),
        listed: ['kp-orders'],
        deleted: [['kp-orders', 0]],
        after: [],
      });
    },
    CLIENT_TIMEOUT_MS,
  );

  it(
    'confluent-kafka AdminClient creates topics with an operation timeout and describes configs',
    async () => {
      const out = await runPython(CONFLUENT_KAFKA_SCRIPT, broker.bootstrapServers);
      expect(out).toEqual({
        created: {
          'ck-orders': 'NONE',
          'ck-bad': ['INVALID_CONFIG', expect.stringMatching(/^Unknown topic config name: retention.bytez /)],
        },
        configs: {
          'ck-orders': expect.objectContaining({
            'cleanup.policy': ['compact', 1],
            'retention.ms': ['604800000', 5],
          }),
          '1': expect.objectContaining({
            'num.partitions': ['2', 4],
            'auto.create.topics.enable': ['true', 5],
          }),
        },
        partitions: { 'ck-orders': 4 },
      });
    },
    CLIENT_TIMEOUT_MS,
  );
});
