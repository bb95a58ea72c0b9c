import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import { BrokerProcess } from '../src/testing/index.js';
import { GroupMember } from './groups-support/kafkajs-group.js';

const CONSUMER_CHILD = join(dirname(fileURLToPath(import.meta.url)), 'groups-support', 'consumer-child.mjs');

/** Session timeout of the consumers in these tests; the broker is started to accept it. */
const SESSION_TIMEOUT_MS = 3000;
const HEARTBEAT_INTERVAL_MS = 300;
/** The restart test: PARTITIONS partitions, each sent BATCH records per produce request. */
const PARTITIONS = 3;
const PARTITION_INDEXES = Array.from({ length: PARTITIONS }, (_, i) => i);
const BATCH = 5;
const SENDS_BEFORE = 12;
const SENDS_AFTER = 6;
/** The broker is killed from inside the handler of this record (counted over all partitions). */
const KILL_AFTER = 70;
const BROKER_ARGS = ['--group-initial-rebalance-delay-ms', '0', '--group-min-session-timeout-ms', '1000'];

/** Polls `condition` until it holds; fails with `what` once `timeoutMs` has passed. */
async function eventually(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A consumer in a child process, which SIGKILL stops without a LeaveGroup. */
class ChildConsumer {
  /** Partitions of the latest GROUP_JOIN the child printed; undefined before the first. */
  assignment: readonly number[] | undefined;
  readonly stderr: string[] = [];

  private constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.assignment = (JSON.parse(line) as { assignment: number[] }).assignment;
    });
  }

  static spawn(bootstrap: string, groupId: string, topic: string): ChildConsumer {
    const child = spawn(
      process.execPath,
      [CONSUMER_CHILD, bootstrap, groupId, topic, String(SESSION_TIMEOUT_MS)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return new ChildConsumer(child);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exit = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exit;
  }
}

describe('consumer groups under faults', () => {
  let brokers: BrokerProcess[] = [];
  let children: ChildConsumer[] = [];
  let consumers: Consumer[] = [];

  afterEach(async () => {
    // Consumers leave while their broker still runs; a disconnect that hangs is abandoned.
    await Promise.all(
      consumers.map((consumer) =>
        Promise.race([consumer.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]),
      ),
    );
    await Promise.all(children.map((child) => child.kill()));
    await Promise.all(brokers.map((broker) => broker.stop('SIGKILL')));
    children = [];
    brokers = [];
    consumers = [];
  }, 10_000);

  async function startBroker(dataDir: string, extraArgs: string[] = []): Promise<BrokerProcess> {
    const broker = await BrokerProcess.start(dataDir, [...BROKER_ARGS, ...extraArgs]);
    brokers.push(broker);
    return broker;
  }

  it('expels a consumer killed without leaving after its session timeout and moves its partitions to the survivor', async () => {
    const broker = await startBroker(mkdtempSync(join(tmpdir(), 'runnel-groups-faults-')));
    const kafka = new Kafka({
      clientId: 'groups-faults',
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'shipments', numPartitions: 4 }] });

      const doomed = ChildConsumer.spawn(broker.bootstrapServers, 'dispatch', 'shipments');
      children.push(doomed);
      await eventually('the child to join', () => doomed.assignment?.length === 4);

      const survivor = new GroupMember(
        kafka,
        {
          groupId: 'dispatch',
          sessionTimeout: SESSION_TIMEOUT_MS,
          rebalanceTimeout: 10_000,
          heartbeatInterval: HEARTBEAT_INTERVAL_MS,
          maxWaitTimeInMs: 100,
        },
        'shipments',
      );
      consumers.push(survivor.consumer);
      await survivor.start(true);
      const split = () => {
        const both = [...(doomed.assignment ?? []), ...(survivor.assignment ?? [])];
        return (
          (doomed.assignment?.length ?? 0) > 0 &&
          (survivor.assignment?.length ?? 0) > 0 &&
          both.length === 4 &&
          new Set(both).size === 4
        );
      };
      await eventually('the partitions to be split between the two members', split);
      const [stable] = (await admin.describeGroups(['dispatch'])).groups;
      expect(stable).toMatchObject({ state: 'Stable' });
      expect(stable?.members).toHaveLength(2);

      const killedAt = Date.now();
      await doomed.kill();
      await GroupMember.until([survivor], () => survivor.assignment?.length === 4);
      const reassignedAfterMs = Date.now() - killedAt;

      expect(survivor.assignment).toEqual([0, 1, 2, 3]);
      // The child's last heartbeat came at most one heartbeat interval before it was killed.
      expect(reassignedAfterMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS - HEARTBEAT_INTERVAL_MS - 100);
      expect(reassignedAfterMs).toBeLessThan(SESSION_TIMEOUT_MS + 5000);
      const [after] = (await admin.describeGroups(['dispatch'])).groups;
      expect(after).toMatchObject({ state: 'Stable' });
      expect(after?.members).toHaveLength(1);
      expect(after?.members[0]?.clientId).toBe('groups-faults');
    } finally {
      await admin.disconnect();
    }
  }, 20_000);

  it('re-forms a group after the broker is killed and restarted and resumes from its commits, skipping nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-groups-faults-'));
    let broker = await startBroker(dataDir);
    const port = broker.port;
    const kafka = new Kafka({
      clientId: 'groups-faults',
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 100, maxRetryTime: 500, retries: 30 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'payments', numPartitions: PARTITIONS }] });
    await admin.disconnect();

    /** Sends `sends` rounds of BATCH records to every partition, one produce request per round. */
    async function produce(producer: Producer, sends: number): Promise<void> {
      for (let round = 0; round < sends; round++) {
        await producer.send({
          topic: 'payments',
          messages: Array.from({ length: PARTITIONS * BATCH }, (_, i) => ({
            partition: i % PARTITIONS,
            value: `r${round}-${i}`,
          })),
        });
      }
    }
    const before = kafka.producer();
    await before.connect();
    await produce(before, SENDS_BEFORE);
    await before.disconnect();

    /** Per partition, the offsets processed before and after the kill, and the next offset committed. */
    const processed = {
      before: PARTITION_INDEXES.map((): bigint[] => []),
      after: PARTITION_INDEXES.map((): bigint[] => []),
    };
    const committed = PARTITION_INDEXES.map(() => 0n);
    /**
     * Per partition, the committed offset when the first record after the kill was handed over. The
     * commit in flight at the kill is retried by kafkajs and may land on the restarted broker.
     */
    const committedWhenResumed = PARTITION_INDEXES.map(() => -1n);
    let phase: 'before' | 'after' = 'before';
    let killed: Promise<unknown> | undefined;
    const consumer = kafka.consumer({
      groupId: 'settlement',
      sessionTimeout: SESSION_TIMEOUT_MS,
      rebalanceTimeout: 10_000,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      maxWaitTimeInMs: 100,
    });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: 'payments', fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = BigInt(message.offset);
        if (phase === 'after' && processed.after[partition]!.length === 0) {
          committedWhenResumed[partition] = committed[partition]!;
        }
        processed[phase][partition]!.push(offset);
        if (phase === 'before' && processed.before.flat().length === KILL_AFTER) {
          phase = 'after';
          killed = broker.stop('SIGKILL');
        }
        const next = offset + 1n;
        await consumer.commitOffsets([{ topic: 'payments', partition, offset: next.toString() }]);
        if (next > committed[partition]!) committed[partition] = next;
      },
    });

    await eventually('the broker to be killed', () => killed !== undefined);
    await killed;
    broker = await startBroker(dataDir, ['--port', String(port)]);
    expect(broker.port).toBe(port);

    const after = kafka.producer();
    await after.connect();
    await produce(after, SENDS_AFTER);
    await after.disconnect();

    const perPartition = BigInt((SENDS_BEFORE + SENDS_AFTER) * BATCH);
    const seen = (partition: number) =>
      new Set([...processed.before[partition]!, ...processed.after[partition]!]);
    await eventually('every record to be processed', () =>
      PARTITION_INDEXES.every((partition) => seen(partition).size === Number(perPartition)),
    );

    for (const partition of PARTITION_INDEXES) {
      // No offset skipped: every offset of the partition was processed at least once.
      const offsets = [...seen(partition)].sort((a, b) => (a < b ? -1 : 1));
      expect(offsets).toEqual(Array.from({ length: Number(perPartition) }, (_, i) => BigInt(i)));
      // Resumed from the commits: at or before the committed offset, not from the beginning.
      const firstAfter = processed.after[partition]![0];
      expect(firstAfter).toBeDefined();
      expect(firstAfter!).toBeLessThanOrEqual(committedWhenResumed[partition]!);
      if (committedWhenResumed[partition]! > 0n) expect(firstAfter!).toBeGreaterThan(0n);
    }
    // The kill interrupted consumption: some partitions had commits, not all records were processed.
    const resumedFrom = committedWhenResumed.reduce((sum, next) => sum + next, 0n);
    expect(resumedFrom).toBeGreaterThan(0n);
    expect(resumedFrom).toBeLessThan(BigInt(PARTITIONS * SENDS_BEFORE * BATCH));

    const admin2 = kafka.admin();
    await admin2.connect();
    try {
      const [group] = (await admin2.describeGroups(['settlement'])).groups;
      expect(group).toMatchObject({ state: 'Stable' });
      expect(group?.members).toHaveLength(1);
      await eventually('the last commits', () => committed.every((next) => next === perPartition));
      const [fetched] = await admin2.fetchOffsets({ groupId: 'settlement', topics: ['payments'] });
      expect(fetched?.partitions.map((p) => p.offset)).toEqual(
        PARTITION_INDEXES.map(() => String(perPartition)),
      );
    } finally {
      await admin2.disconnect();
    }
  }, 20_000);
});
