import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Runnel } from '@runnel/client';
import type { RunnelContext } from '../src/index.js';
import {
  createTopics,
  deferred,
  FAST_CONSUMER,
  Recorder,
  startService,
  startTestBroker,
  type TestBroker,
} from './support/runnel-test-kit.js';

const PARTITIONS = 3;
const KEYS = 24;
const PER_KEY = 12;
const MAX_CONCURRENCY = 4;

interface Step {
  key: string;
  seq: number;
  partition: number;
  phase: 'start' | 'end';
}

const steps: Step[] = [];
const finished = new Recorder<string>();
const running = new Map<number, number>();
let maxRunningInPartition = 0;
/** k0's first handler waits until k3's first handler (same partition) started: it can only if keys overlap. */
const k3Started = deferred();

/** Lets the event loop turn `n` times: a handler delay that depends on no timer. */
async function yieldTimes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

@Controller()
class LedgerController {
  @EventPattern<string>('ledger')
  async entry(@Payload() entry: { seq: number }, @Ctx() ctx: RunnelContext): Promise<void> {
    const key = ctx.getKey()!;
    const partition = ctx.getPartition();
    steps.push({ key, seq: entry.seq, partition, phase: 'start' });
    const now = (running.get(partition) ?? 0) + 1;
    running.set(partition, now);
    maxRunningInPartition = Math.max(maxRunningInPartition, now);
    if (key === 'k3' && entry.seq === 1) k3Started.resolve();
    if (key === 'k0' && entry.seq === 1) await k3Started.promise;
    await yieldTimes((entry.seq * 7 + Number(key.slice(1)) * 3) % 6);
    running.set(partition, running.get(partition)! - 1);
    steps.push({ key, seq: entry.seq, partition, phase: 'end' });
    finished.push(`${key}:${entry.seq}`);
  }
}

describe('per-key ordering with concurrency', () => {
  let broker: TestBroker;
  let service: Awaited<ReturnType<typeof startService>>;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTopics(broker.bootstrap, ['ledger'], PARTITIONS);
    // Written before the service starts, so each partition's records arrive in few large batches.
    const producer = new Runnel({ clientId: 'ledger-writer', brokers: [broker.bootstrap] }).producer();
    await producer.connect();
    const messages = [];
    for (let seq = 1; seq <= PER_KEY; seq++) {
      for (let k = 0; k < KEYS; k++) {
        messages.push({ key: `k${k}`, value: JSON.stringify({ seq }), partition: k % PARTITIONS });
      }
    }
    await producer.send({ topic: 'ledger', messages });
    await producer.disconnect();
    service = await startService([LedgerController], {
      client: { clientId: 'ledger', brokers: [broker.bootstrap] },
      consumer: { groupId: 'ledger', ...FAST_CONSUMER },
      subscribe: { fromBeginning: true },
      maxConcurrency: MAX_CONCURRENCY,
    });
  }, 60_000);

  afterAll(async () => {
    await service?.app.close();
    await broker?.close();
  });

  it('runs each key strictly in order while keys of one partition overlap, within maxConcurrency', async () => {
    await finished.count(KEYS * PER_KEY);
    for (let k = 0; k < KEYS; k++) {
      const key = `k${k}`;
      const own = steps.filter((s) => s.key === key).map((s) => `${s.phase} ${s.seq}`);
      const expected = Array.from({ length: PER_KEY }, (_, i) => [`start ${i + 1}`, `end ${i + 1}`]).flat();
      expect(own).toEqual(expected);
      expect(new Set(steps.filter((s) => s.key === key).map((s) => s.partition))).toEqual(
        new Set([k % PARTITIONS]),
      );
    }
    // k0 and k3 share partition 0, and k0's first record finished only after k3's first started.
    const index = (key: string, phase: string) =>
      steps.findIndex((s) => s.key === key && s.seq === 1 && s.phase === phase);
    expect(index('k3', 'start')).toBeLessThan(index('k0', 'end'));
    expect(maxRunningInPartition).toBeGreaterThan(1);
    expect(maxRunningInPartition).toBeLessThanOrEqual(MAX_CONCURRENCY);
  }, 60_000);

  it('commits every partition to its end once all records finished', async () => {
    await finished.count(KEYS * PER_KEY);
    const admin = new Runnel({ clientId: 'ledger-admin', brokers: [broker.bootstrap] }).admin();
    await admin.connect();
    try {
      // The close commits what finished; read the group's offsets after it.
      await service.app.close();
      const [topic] = await admin.fetchOffsets({ groupId: 'ledger', topics: ['ledger'] });
      const perPartition = (KEYS / PARTITIONS) * PER_KEY;
      expect(topic!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual(
        Array.from({ length: PARTITIONS }, (_, p) => [p, BigInt(perPartition)]),
      );
    } finally {
      await admin.disconnect();
    }
  }, 30_000);
});
