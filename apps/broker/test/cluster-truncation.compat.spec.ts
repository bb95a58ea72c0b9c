// Needs Debian's etcd (`apt-get install etcd-server`), hence a compat suite: `npm run test:compat`.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompressionType,
  decodeRecordBatches,
  ErrorCode,
  encodeRecordBatch,
  Fetch,
  Metadata,
  Produce,
} from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { RawClient } from './support/raw-client.js';

const TIMEOUT_MS = 120_000;
const TOPIC = 'diverging';
/** About four of the records below per segment, so the unreplicated tail spans several segments. */
const SEGMENT_BYTES = 1024;
const TAIL_RECORDS = 20;
/** Long enough that broker 1 stays registered (and in the ISR) while it is paused. */
const SESSION_ARGS = ['--broker-session-timeout-ms', '6000'];

async function withClient<T>(port: number, use: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(port);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

async function partitionState(port: number) {
  const response = await withClient(port, (c) =>
    c.request(Metadata, 9, {
      topics: [{ name: TOPIC }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }),
  );
  return response.topics[0]!.partitions[0]!;
}

/** Produce v8 of one record of about 200 bytes, `value` first, with `acks`; the partition's answer. */
async function produce(port: number, value: string, acks: number) {
  const records = await encodeRecordBatch({
    compression: CompressionType.None,
    records: [{ key: null, value: Buffer.from(value.padEnd(200, '.')), timestamp: BigInt(Date.now()) }],
  });
  const response = await withClient(port, (c) =>
    c.request(Produce, 8, {
      transactionalId: null,
      acks,
      timeoutMs: 10_000,
      topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
    }),
  );
  return response.responses[0]!.partitionResponses[0]!;
}

/** What a consumer reads from the leader at `port`, from offset 0 up to its high watermark. */
async function consumed(port: number): Promise<string[]> {
  const values: string[] = [];
  let offset = 0n;
  for (;;) {
    const response = await withClient(port, (c) =>
      c.request(Fetch, 11, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          { topic: TOPIC, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] },
        ],
        forgottenTopicsData: [],
        rackId: '',
      }),
    );
    const partition = response.responses[0]!.partitions[0]!;
    expect(partition.errorCode).toBe(ErrorCode.NONE);
    const { batches } = await decodeRecordBatches(partition.records ?? Buffer.alloc(0));
    if (batches.length === 0) return values;
    for (const batch of batches) {
      for (const record of batch.records) {
        values.push(record.value!.toString().replace(/\.+$/, ''));
        offset = record.offset + 1n;
      }
    }
  }
}

/** The partition's segments on disk, by base offset, and all their batches' bytes in offset order. */
function logOnDisk(dataDir: string): { segments: bigint[]; bytes: Buffer; files: string[] } {
  const dir = join(dataDir, `${TOPIC}-0`);
  const files = readdirSync(dir).sort();
  const logs = files.filter((name) => name.endsWith('.log'));
  return {
    segments: logs.map((name) => BigInt(name.slice(0, 20))),
    bytes: Buffer.concat(logs.map((name) => readFileSync(join(dir, name)))),
    files,
  };
}

describe('a returning leader truncates an unreplicated tail of several segments', () => {
  let cluster: TestCluster;
  const broker = (id: number) => cluster.process(id);

  beforeAll(async () => {
    cluster = await TestCluster.start(0);
    await Promise.all([1, 2].map((id) => cluster.startBrokerProcess(id, SESSION_ARGS)));
  }, TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  }, TIMEOUT_MS);

  it(
    'deletes the segments past where its successor’s epoch ends, cuts the one holding it, and ends with its successor’s log',
    async () => {
      const kafka = new Kafka({ brokers: [broker(1).bootstrapServers], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await eventually(async () => expect((await admin.describeCluster()).brokers).toHaveLength(2));
      await admin.createTopics({
        topics: [
          {
            topic: TOPIC,
            replicaAssignment: [{ partition: 0, replicas: [2, 1] }],
            configEntries: [{ name: 'segment.bytes', value: String(SEGMENT_BYTES) }],
          },
        ],
      });
      await admin.disconnect();
      await eventually(async () =>
        expect((await produce(broker(2).port, 'first', -1)).errorCode).toBe(ErrorCode.NONE),
      );

      // Broker 1 pauses; its waiting fetch may still take the first of the tail with it.
      broker(1).child.kill('SIGSTOP');
      for (let i = 0; i < TAIL_RECORDS; i++) {
        expect(await produce(broker(2).port, `tail-${i}`, 1)).toMatchObject({
          errorCode: ErrorCode.NONE,
          baseOffset: BigInt(i + 1),
        });
      }
      await broker(2).stop('SIGKILL');
      const diverged = logOnDisk(cluster.dataDir(2));
      expect(diverged.segments.length).toBeGreaterThanOrEqual(4);
      broker(1).child.kill('SIGCONT');

      const leader = broker(1).port;
      await eventually(async () => expect((await partitionState(leader)).leaderId).toBe(1));
      for (let i = 0; i < 3; i++) {
        expect((await produce(leader, `new-${i}`, 1)).errorCode).toBe(ErrorCode.NONE);
      }
      const successor = await consumed(leader);
      expect(successor[0]).toBe('first');
      expect(successor.slice(-3)).toEqual(['new-0', 'new-1', 'new-2']);
      // The successor has at most the first record of the tail.
      const cut = BigInt(successor.length - 3);
      expect(cut === 1n || cut === 2n).toBe(true);

      const returned = await cluster.startBrokerProcess(2, SESSION_ARGS);
      await eventually(async () =>
        expect([...(await partitionState(leader)).isrNodes].sort()).toEqual([1, 2]),
      );
      expect(returned.output.join('')).toContain(`${TOPIC}-0: truncated from ${TAIL_RECORDS + 1} to ${cut}`);
      // The cut lay below the active segment it had when it died: whole segments went.
      expect(cut).toBeLessThan(diverged.segments.at(-1)!);

      // Caught up: the same records, then leading, it serves them.
      await cluster.stopBroker(1);
      await eventually(async () => expect((await partitionState(returned.port)).leaderId).toBe(2));
      await eventually(async () => expect(await consumed(returned.port)).toEqual(successor));
      await cluster.stopBroker(2);

      // On disk the two logs are the same batches, byte for byte, with nothing a truncation left
      // behind.
      const truncated = logOnDisk(cluster.dataDir(2));
      const successorLog = logOnDisk(cluster.dataDir(1));
      expect(truncated.bytes.equals(successorLog.bytes)).toBe(true);
      expect(truncated.files.filter((name) => name.includes('.deleted') || name.endsWith('.tmp'))).toEqual(
        [],
      );
      expect(readFileSync(join(cluster.dataDir(2), `${TOPIC}-0`, 'leader-epoch-checkpoint'), 'utf8')).toBe(
        readFileSync(join(cluster.dataDir(1), `${TOPIC}-0`, 'leader-epoch-checkpoint'), 'utf8'),
      );
    },
    TIMEOUT_MS,
  );
});
