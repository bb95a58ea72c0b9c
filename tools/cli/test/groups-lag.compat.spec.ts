import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runnel, startTestBroker, type TestBroker } from './support/cli-harness.js';

// kafka-python (Debian's python3-kafka) as the oracle for lag: what its admin reports as the
// group's committed offsets, and its consumer as each partition's log end offset.
const ORACLE = `
import json, sys
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
bootstrap, group, topic = sys.argv[1:4]
admin = KafkaAdminClient(bootstrap_servers=bootstrap, api_version=(2, 5, 0))
committed = admin.list_consumer_group_offsets(group)
consumer = KafkaConsumer(bootstrap_servers=bootstrap, api_version=(2, 5, 0))
partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
ends = consumer.end_offsets(partitions)
print(json.dumps([
  {"partition": tp.partition, "committed": committed[tp].offset, "logEnd": ends[tp], "lag": ends[tp] - committed[tp].offset}
  for tp in partitions if tp in committed
]))
`;

let cluster: TestBroker;

beforeAll(async () => {
  cluster = await startTestBroker();
}, 30_000);
afterAll(() => cluster.close());

test('groups describe prints the lag kafka-python computes: log end offset - committed offset', async () => {
  const b = ['-b', cluster.bootstrap];
  await runnel(['topics', 'create', 'ledger', '--partitions', '3', ...b]);
  for (const [partition, count] of [
    [0, 7],
    [1, 4],
    [2, 9],
  ] as const) {
    const lines = Array.from({ length: count }, (_, i) => `r${i}`).join('\n');
    await runnel(['produce', 'ledger', '--partition', String(partition), ...b], { stdin: `${lines}\n` });
  }
  await runnel(['groups', 'reset-offsets', 'auditors', '--topic', 'ledger', '--to-earliest', ...b]);
  await runnel(['groups', 'reset-offsets', 'auditors', '--topic', 'ledger:0', '--to-offset', '3', ...b]);
  await runnel(['groups', 'reset-offsets', 'auditors', '--topic', 'ledger:2', '--to-offset', '8', ...b]);

  const { stdout } = await promisify(execFile)('/usr/bin/python3', [
    '-c',
    ORACLE,
    cluster.bootstrap,
    'auditors',
    'ledger',
  ]);
  const oracle: { partition: number; committed: number; logEnd: number; lag: number }[] = JSON.parse(stdout);
  expect(oracle.map((o) => o.lag)).toEqual([4, 4, 1]);

  const described = JSON.parse((await runnel(['groups', 'describe', 'auditors', '--json', ...b])).stdout);
  expect(
    described.offsets.map(
      (o: { partition: number; committedOffset: number; logEndOffset: number; lag: number }) => ({
        partition: o.partition,
        committed: o.committedOffset,
        logEnd: o.logEndOffset,
        lag: o.lag,
      }),
    ),
  ).toEqual(oracle);
  const people = (await runnel(['groups', 'describe', 'auditors', ...b])).stdout;
  for (const o of oracle) {
    expect(people).toMatch(new RegExp(`\\nledger +${o.partition} +${o.committed} +${o.logEnd} +${o.lag} `));
  }
}, 60_000);
