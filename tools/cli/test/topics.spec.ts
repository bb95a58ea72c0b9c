import { Kafka, logLevel } from 'kafkajs';
import { runnel, startTestBroker, type TestBroker } from './support/cli-harness.js';

let cluster: TestBroker;
let b: string[];

beforeAll(async () => {
  cluster = await startTestBroker();
  b = ['-b', cluster.bootstrap];
}, 30_000);
afterAll(() => cluster.close());

describe('runnel topics', () => {
  test('create makes the topic with its partitions and configs, as kafkajs then sees it', async () => {
    const created = await runnel([
      'topics',
      'create',
      'orders',
      '--partitions',
      '3',
      '--config',
      'retention.ms=60000',
      ...b,
    ]);
    expect(created).toEqual({ code: 0, stdout: 'Created topic orders.\n', stderr: '' });
    const kafka = new Kafka({ brokers: [cluster.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: ['orders'] });
    await admin.disconnect();
    expect(metadata.topics[0]!.partitions).toHaveLength(3);
  });

  test('create of an existing topic fails with exit 1 naming it', async () => {
    await runnel(['topics', 'create', 'twice', '--partitions', '1', ...b]);
    const again = await runnel(['topics', 'create', 'twice', '--partitions', '1', ...b]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^runnel topics: .*twice.*\n$/);
  });

  test('list prints every topic, one a line, or as JSON', async () => {
    await runnel(['topics', 'create', 'listed', '--partitions', '1', ...b]);
    const people = await runnel(['topics', 'list', ...b]);
    expect(people.code).toBe(0);
    expect(people.stdout.split('\n')).toContain('listed');
    const json = await runnel(['topics', 'list', '--json', ...b]);
    expect(JSON.parse(json.stdout).topics).toContain('listed');
  });

  test('describe shows per partition leader, replicas, isr, earliest and latest offset', async () => {
    await runnel([
      'topics',
      'create',
      'described',
      '--partitions',
      '2',
      '--config',
      'cleanup.policy=compact',
      ...b,
    ]);
    await runnel(['produce', 'described', '--partition', '1', ...b], { stdin: 'a\nb\nc\n' });
    const people = await runnel(['topics', 'describe', 'described', ...b]);
    expect(people.code).toBe(0);
    const lines = people.stdout.split('\n');
    expect(lines[0]).toBe(
      'Topic: described\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: cleanup.policy=compact',
    );
    expect(lines[1]!.split(/\s+/)).toEqual([
      'PARTITION',
      'LEADER',
      'REPLICAS',
      'ISR',
      'EARLIEST-OFFSET',
      'LATEST-OFFSET',
    ]);
    expect(lines[2]!.split(/\s+/)).toEqual(['0', '1', '1', '1', '0', '0']);
    expect(lines[3]!.split(/\s+/)).toEqual(['1', '1', '1', '1', '0', '3']);
    const json = JSON.parse((await runnel(['topics', 'describe', 'described', '--json', ...b])).stdout);
    expect(json.partitions[1]).toEqual({
      partition: 1,
      leader: 1,
      replicas: [1],
      isr: [1],
      earliestOffset: 0,
      latestOffset: 3,
    });
    expect(json.configs).toEqual({ 'cleanup.policy': 'compact' });
  });

  test('describe of an unknown topic exits 1 with the broker error naming the topic', async () => {
    const result = await runnel(['topics', 'describe', 'no-such-topic', ...b]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "runnel topics: topic 'no-such-topic': UNKNOWN_TOPIC_OR_PARTITION (3): This server does not host this topic-partition.\n",
    );
  });

  test('delete removes the topic', async () => {
    await runnel(['topics', 'create', 'doomed', '--partitions', '1', ...b]);
    expect((await runnel(['topics', 'delete', 'doomed', ...b])).code).toBe(0);
    expect((await runnel(['topics', 'list', ...b])).stdout.split('\n')).not.toContain('doomed');
    expect((await runnel(['topics', 'describe', 'doomed', ...b])).code).toBe(1);
  });

  test('alter-config sets and deletes only the configs named, and describe shows them', async () => {
    await runnel([
      'topics',
      'create',
      'altered',
      '--partitions',
      '1',
      '--config',
      'retention.ms=60000',
      ...b,
    ]);
    const set = await runnel([
      'topics',
      'alter-config',
      'altered',
      '--config',
      'segment.bytes=1048576',
      '--config',
      'cleanup.policy=compact',
      ...b,
    ]);
    expect(set).toEqual({ code: 0, stdout: 'Completed updating config for topic altered.\n', stderr: '' });
    const configsOf = async () =>
      JSON.parse((await runnel(['topics', 'describe', 'altered', '--json', ...b])).stdout).configs;
    expect(await configsOf()).toEqual({
      'retention.ms': '60000',
      'segment.bytes': '1048576',
      'cleanup.policy': 'compact',
    });
    const deleted = await runnel([
      'topics',
      'alter-config',
      'altered',
      '--delete-config',
      'retention.ms',
      ...b,
    ]);
    expect(deleted.code).toBe(0);
    expect(await configsOf()).toEqual({ 'segment.bytes': '1048576', 'cleanup.policy': 'compact' });
  });

  test('alter-config with a bad value exits 1 naming the key, the value and the limit, and changes nothing', async () => {
    await runnel(['topics', 'create', 'guarded', '--partitions', '1', ...b]);
    const result = await runnel(['topics', 'alter-config', 'guarded', '--config', 'segment.bytes=10', ...b]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^runnel topics: topic 'guarded': INVALID_CONFIG \(40\): Invalid value 10 for configuration segment\.bytes: .*between 61 and 2147483647\n$/,
    );
    expect(
      JSON.parse((await runnel(['topics', 'describe', 'guarded', '--json', ...b])).stdout).configs,
    ).toEqual({});
    const missing = await runnel([
      'topics',
      'alter-config',
      'no-such-topic',
      '--config',
      'retention.ms=1',
      ...b,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^runnel topics: topic 'no-such-topic': UNKNOWN_TOPIC_OR_PARTITION \(3\)/);
    const nothing = await runnel(['topics', 'alter-config', 'guarded', ...b]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/alter-config needs --config k=v or --delete-config k/);
  });

  test('--help prints the usage of the command with exit 0', async () => {
    const help = await runnel(['topics', 'describe', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}runnel topics list/);
  });

  test('bad usage exits 2 with the reason and the usage', async () => {
    const noAction = await runnel(['topics', ...b]);
    expect(noAction.code).toBe(2);
    expect(noAction.stderr).toMatch(/^runnel topics: missing action/);
    const badCount = await runnel(['topics', 'create', 'x', '--partitions', 'many', ...b]);
    expect(badCount.code).toBe(2);
    expect(badCount.stderr).toMatch(
      /^runnel topics: --partitions 'many' is not a whole number from 1 to 2147483647\n/,
    );
    const unknownFlag = await runnel(['topics', 'list', '--frobnicate', ...b]);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/--frobnicate/);
  });
});

describe('runnel cluster', () => {
  test('prints the cluster id, the controller and the broker, and the same as JSON', async () => {
    const people = await runnel(['cluster', ...b]);
    expect(people.code).toBe(0);
    const port = cluster.bootstrap.split(':')[1];
    expect(people.stdout).toMatch(
      new RegExp(
        `^Cluster id: \\S+\\nController: 1\\nID +HOST +PORT +RACK +CONTROLLER\\n1 +127\\.0\\.0\\.1 +${port} +- +yes\\n$`,
      ),
    );
    const json = JSON.parse((await runnel(['cluster', '--json', ...b])).stdout);
    expect(json).toEqual({
      clusterId: expect.any(String),
      controller: 1,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: Number(port), rack: null }],
    });
  });
});
