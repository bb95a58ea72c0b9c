import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTopics,
  decodeRecordBatches,
  ErrorCode,
  encodeRecordBatch,
  Fetch,
  lastOffset,
  Produce,
  type RecordBatch,
} from '@runnel/protocol';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { BrokerProcess } from '../src/testing/index.js';
import { ConnectionClosedError, PipelinedConnection } from './support/pipelined-connection.js';
import { RawClient } from './support/raw-client.js';

const TOPIC = 'crash';
const PARTITIONS = 2;
/** Raw producers: one connection each, with IN_FLIGHT Produce v7 requests outstanding at all times. */
const RAW_PRODUCERS = 3;
const IN_FLIGHT = 4;
/** kafkajs producers: one connection each, with KAFKAJS_SENDS send() calls outstanding at all times. */
const KAFKAJS_PRODUCERS = 2;
const KAFKAJS_SENDS = 2;
/** The broker is killed from inside the callback of this acknowledgement, its peers still in flight. */
const KILL_AFTER_ACKS = 300;
const MiB = 1024 * 1024;

/** One batch a producer sent to one partition; `baseOffset` is set when the broker acknowledged it. */
interface SentBatch {
  readonly partition: number;
  readonly values: readonly string[];
  baseOffset?: bigint;
}

/**
 * What the producers sent and what the broker acknowledged. Every value is unique
 * (`p<raw producer>-<n>`, `k<kafkajs producer>-<n>`), so a batch found in the log is identified by
 * its first value.
 */
class ProduceLedger {
  private readonly byFirstValue = new Map<string, SentBatch>();
  private acknowledgements = 0;
  private killBroker: (() => void) | undefined;

  /** Kills the broker at the KILL_AFTER_ACKS-th acknowledgement. */
  killAfterAcks(kill: () => void): void {
    this.killBroker = kill;
  }

  get killed(): boolean {
    return this.acknowledgements >= KILL_AFTER_ACKS;
  }

  send(partition: number, values: string[]): SentBatch {
    const batch: SentBatch = { partition, values };
    this.byFirstValue.set(values[0]!, batch);
    return batch;
  }

  acknowledge(batch: SentBatch, baseOffset: bigint): void {
    batch.baseOffset = baseOffset;
    if (++this.acknowledgements === KILL_AFTER_ACKS) this.killBroker?.();
  }

  sentBatch(firstValue: string): SentBatch | undefined {
    return this.byFirstValue.get(firstValue);
  }

  get batches(): SentBatch[] {
    return [...this.byFirstValue.values()];
  }
}

function recordsOf(values: readonly string[]): Promise<Buffer> {
  const timestamp = Date.now();
  return encodeRecordBatch({ records: values.map((value) => ({ value: Buffer.from(value), timestamp })) });
}

/**
 * Raw producer `producer`: a PipelinedConnection keeping IN_FLIGHT acks=-1 requests outstanding,
 * most to one partition, every third to both, until the broker dies under it.
 */
async function rawProducer(port: number, producer: number, ledger: ProduceLedger): Promise<void> {
  const connection = await PipelinedConnection.connect(port, `crash-raw-${producer}`);
  let next = 0;
  const valuesOf = (count: number) => Array.from({ length: count }, () => `p${producer}-${next++}`);
  const slot = async (slotIndex: number) => {
    for (let request = 0; ; request++) {
      const partitions = request % 3 === 2 ? [0, 1] : [(slotIndex + request) % PARTITIONS];
      const batches = partitions.map((partition) => ledger.send(partition, valuesOf(1 + (next % 5))));
      const partitionData = await Promise.all(
        batches.map(async ({ partition, values }) => ({
          index: partition,
          records: await recordsOf(values),
        })),
      );
      const response = await connection
        .send(Produce, 7, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 30_000,
          topicData: [{ name: TOPIC, partitionData }],
        })
        .catch((err: unknown) => {
          if (err instanceof ConnectionClosedError && ledger.killed) return undefined;
          throw err;
        });
      if (response === undefined) return;
      for (const { index, errorCode, baseOffset } of response.responses[0]!.partitionResponses) {
        if (errorCode !== ErrorCode.NONE) throw new Error(`Produce to ${TOPIC}-${index}: error ${errorCode}`);
        ledger.acknowledge(batches.find(({ partition }) => partition === index)!, baseOffset);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => slot(i)));
  } finally {
    connection.close();
  }
}

/** kafkajs producer `producer`: KAFKAJS_SENDS concurrent send() loops with acks -1 and no retries. */
async function kafkajsProducer(kafka: Kafka, producer: number, ledger: ProduceLedger): Promise<void> {
  const client = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    retry: { retries: 0 },
  });
  await client.connect();
  let next = 0;
  const loop = async (slotIndex: number) => {
    for (let request = 0; ; request++) {
      const partition = (slotIndex + request) % PARTITIONS;
      const values = Array.from({ length: 1 + (request % 4) }, () => `k${producer}-${next++}`);
      const batch = ledger.send(partition, values);
      const metadata = await client
        .send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ value, partition })) })
        .catch((err: unknown) => {
          if (ledger.killed) return undefined;
          throw err;
        });
      if (metadata === undefined) return;
      const [result] = metadata;
      if (metadata.length !== 1 || result!.partition !== partition || result!.errorCode !== 0) {
        throw new Error(`kafkajs send to ${TOPIC}-${partition} answered ${JSON.stringify(metadata)}`);
      }
      ledger.acknowledge(batch, BigInt(result!.baseOffset!));
    }
  };
  try {
    await Promise.all(Array.from({ length: KAFKAJS_SENDS }, (_, i) => loop(i)));
  } finally {
    await client.disconnect();
  }
}

/** Every batch of `partition` from offset 0 through Fetch v11 (CRC of each checked when decoded), and the high watermark. */
async function readPartition(
  client: RawClient,
  partition: number,
): Promise<{ batches: RecordBatch[]; highWatermark: bigint }> {
  const batches: RecordBatch[] = [];
  let fetchOffset = 0n;
  for (;;) {
    const response = await client.request(Fetch, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 16 * MiB,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: TOPIC,
          partitions: [
            {
              partition,
              currentLeaderEpoch: -1,
              fetchOffset,
              logStartOffset: -1n,
              partitionMaxBytes: 4 * MiB,
            },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
    const { errorCode, highWatermark, records } = response.responses[0]!.partitions[0]!;
    if (errorCode !== ErrorCode.NONE)
      throw new Error(`Fetch ${TOPIC}-${partition}@${fetchOffset}: ${errorCode}`);
    if (fetchOffset >= highWatermark) return { batches, highWatermark };
    const { batches: read } = await decodeRecordBatches(records ?? Buffer.alloc(0));
    if (read.length === 0)
      throw new Error(`Fetch ${TOPIC}-${partition}@${fetchOffset} returned no whole batch`);
    batches.push(...read);
    fetchOffset = lastOffset(read.at(-1)!.header) + 1n;
  }
}

describe('broker killed with SIGKILL while producers wait for acks=-1', () => {
  const ledger = new ProduceLedger();
  let dataDir: string;
  let crashed: BrokerProcess;
  let restarted: BrokerProcess;
  let client: RawClient;
  /** Per partition, what the restarted broker serves from offset 0. */
  let logs: { batches: RecordBatch[]; highWatermark: bigint }[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-crash-'));
    crashed = await BrokerProcess.start(dataDir);
    const admin = await RawClient.connect(crashed.port);
    const { topics } = await admin.request(CreateTopics, 4, {
      topics: [
        { name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 10_000,
    });
    admin.close();
    expect(topics[0]!.errorCode).toBe(ErrorCode.NONE);

    ledger.killAfterAcks(() => crashed.child.kill('SIGKILL'));
    const kafka = new Kafka({
      clientId: 'crash-test',
      brokers: [crashed.bootstrapServers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    await Promise.all([
      ...Array.from({ length: RAW_PRODUCERS }, (_, p) => rawProducer(crashed.port, p, ledger)),
      ...Array.from({ length: KAFKAJS_PRODUCERS }, (_, p) => kafkajsProducer(kafka, p, ledger)),
    ]);
    await crashed.stop('SIGKILL');

    restarted = await BrokerProcess.start(dataDir);
    client = await RawClient.connect(restarted.port);
    logs = [];
    for (let partition = 0; partition < PARTITIONS; partition++) {
      logs.push(await readPartition(client, partition));
    }
  }, 30_000);

  afterAll(async () => {
    client?.close();
    await restarted?.stop('SIGKILL');
    await crashed?.stop('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('died of the SIGKILL with produce requests still unanswered', () => {
    expect(crashed.child.signalCode).toBe('SIGKILL');
    const acknowledged = ledger.batches.filter(({ baseOffset }) => baseOffset !== undefined);
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(ledger.batches.length - acknowledged.length).toBeGreaterThan(0);
  });

  it('serves every acknowledged record at exactly its acknowledged offset', () => {
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const stored = new Map(
        logs[partition]!.batches.flatMap(({ records }) =>
          records.map(({ offset, value }) => [offset, value?.toString()] as const),
        ),
      );
      const acknowledged = ledger.batches
        .filter((batch) => batch.partition === partition && batch.baseOffset !== undefined)
        .flatMap(({ baseOffset, values }) => values.map((value, i) => [baseOffset! + BigInt(i), value]));
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(acknowledged.map(([offset]) => [offset, stored.get(offset as bigint)])).toEqual(acknowledged);
    }
  });

  it('numbers the records contiguously from 0 to the log end, batch after batch', () => {
    for (const { batches, highWatermark } of logs) {
      const offsets = batches.flatMap(({ records }) => records.map(({ offset }) => offset));
      expect(offsets).toEqual(Array.from({ length: Number(highWatermark) }, (_, i) => BigInt(i)));
      let next = 0n;
      for (const { header, records } of batches) {
        expect([header.baseOffset, header.recordCount]).toEqual([next, records.length]);
        next = lastOffset(header) + 1n;
      }
      expect(next).toBe(highWatermark);
    }
  });

  it('holds only intact batches, each exactly as one producer sent it to that partition, and none twice', () => {
    const seen = new Set<string>();
    for (const [partition, { batches }] of logs.entries()) {
      for (const { records } of batches) {
        const values = records.map(({ value }) => value?.toString() ?? '');
        const sent = ledger.sentBatch(values[0]!);
        expect({ partition, values }).toEqual({ partition: sent?.partition, values: sent?.values });
        expect(seen.has(values[0]!)).toBe(false);
        seen.add(values[0]!);
      }
    }
  });

  it('after the restart accepts acks=-1 produce at the old log end and serves it', async () => {
    for (const [partition, { highWatermark }] of logs.entries()) {
      const values = [`after-restart-${partition}-a`, `after-restart-${partition}-b`];
      const response = await client.request(Produce, 7, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [{ name: TOPIC, partitionData: [{ index: partition, records: await recordsOf(values) }] }],
      });
      expect(response.responses[0]!.partitionResponses[0]).toMatchObject({
        index: partition,
        errorCode: ErrorCode.NONE,
        baseOffset: highWatermark,
      });
      const after = await readPartition(client, partition);
      expect(after.highWatermark).toBe(highWatermark + 2n);
      expect(after.batches.at(-1)!.records.map(({ offset, value }) => [offset, value?.toString()])).toEqual([
        [highWatermark, values[0]],
        [highWatermark + 1n, values[1]],
      ]);
    }
  });
});
