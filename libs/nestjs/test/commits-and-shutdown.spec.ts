import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, RpcException } from '@nestjs/microservices';
import type { ConsumerCommitEvent } from '@runnel/client';
import type { RunnelContext, RunnelServerOptions } from '../src/index.js';
import { committedOffsets, describeGroup, produceNumbered } from './support/admin.js';
import {
  createTopics,
  deferred,
  FAST_CONSUMER,
  Recorder,
  startService,
  startTestBroker,
  type TestBroker,
} from './support/runnel-test-kit.js';

/** Per topic: the offset whose handler waits for `release`, the offsets started and finished. */
const hold = new Map<string, { offset: bigint; release: ReturnType<typeof deferred<void>> }>();
const started = new Map<string, Recorder<bigint>>();
const finished = new Map<string, Recorder<bigint>>();
const recorder = (map: Map<string, Recorder<bigint>>, topic: string) => {
  const existing = map.get(topic) ?? new Recorder<bigint>();
  map.set(topic, existing);
  return existing;
};

@Controller()
class PaymentsController {
  @EventPattern<string>('payments')
  payment(@Ctx() ctx: RunnelContext): Promise<void> {
    return this.handle(ctx);
  }

  @EventPattern<string>('refunds')
  refund(@Ctx() ctx: RunnelContext): Promise<void> {
    return this.handle(ctx);
  }

  @EventPattern<string>('chargebacks')
  chargeback(@Ctx() ctx: RunnelContext): void {
    recorder(started, 'chargebacks').push(ctx.getOffset());
    if (ctx.getOffset() === 0n) throw new RpcException('card network down');
  }

  private async handle(ctx: RunnelContext): Promise<void> {
    const topic = ctx.getTopic();
    const offset = ctx.getOffset();
    recorder(started, topic).push(offset);
    const held = hold.get(topic);
    if (held?.offset === offset) await held.release.promise;
    recorder(finished, topic).push(offset);
  }
}

describe('commits and graceful shutdown', () => {
  let broker: TestBroker;
  const options = (groupId: string, shutdownGraceMs: number): RunnelServerOptions => ({
    client: { clientId: groupId, brokers: [broker.bootstrap] },
    consumer: { groupId, ...FAST_CONSUMER, autoCommitIntervalMs: 20 },
    subscribe: { fromBeginning: true },
    shutdownGraceMs,
  });

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTopics(broker.bootstrap, ['payments', 'refunds', 'chargebacks'], 1);
  }, 60_000);

  afterAll(async () => {
    for (const { release } of hold.values()) release.resolve();
    await broker?.close();
  });

  it('never commits past an unfinished record; after a restart that record is delivered again', async () => {
    await produceNumbered(broker.bootstrap, 'payments', 10);
    hold.set('payments', { offset: 3n, release: deferred() });
    const first = await startService([PaymentsController], options('payments', 200));
    const commits: ConsumerCommitEvent[] = [];
    first.server.on('commit', (event) => commits.push(event));
    await recorder(finished, 'payments').count(9);
    expect(recorder(finished, 'payments').items).not.toContain(3n);
    // The handler of offset 3 outlives the grace period: close abandons it and commits below it.
    await first.app.close();
    expect(await committedOffsets(broker.bootstrap, 'payments', 'payments')).toEqual([3n]);
    const committed = commits.flatMap((c) => c.offsets.map((o) => o.offset));
    expect(committed.length).toBeGreaterThan(0);
    expect(committed.every((offset) => offset <= 3n)).toBe(true);

    hold.delete('payments');
    started.delete('payments');
    finished.delete('payments');
    const second = await startService([PaymentsController], options('payments', 200));
    const redelivered = await recorder(finished, 'payments').count(7);
    expect([...redelivered].sort((a, b) => Number(a - b))).toEqual([3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    expect(recorder(started, 'payments').items[0]).toBe(3n);
    await second.app.close();
    expect(await committedOffsets(broker.bootstrap, 'payments', 'payments')).toEqual([10n]);
  }, 60_000);

  it('close() lets a running handler finish within shutdownGraceMs, commits it, and leaves the group', async () => {
    await produceNumbered(broker.bootstrap, 'refunds', 5);
    const release = deferred();
    hold.set('refunds', { offset: 2n, release });
    const service = await startService([PaymentsController], options('refunds', 30_000));
    await recorder(started, 'refunds').count(5);
    await recorder(finished, 'refunds').count(4);
    expect((await describeGroup(broker.bootstrap, 'refunds')).members).toHaveLength(1);
    const closed = service.app.close();
    setImmediate(() => release.resolve());
    await closed;
    expect(recorder(finished, 'refunds').items).toContain(2n);
    expect(await committedOffsets(broker.bootstrap, 'refunds', 'refunds')).toEqual([5n]);
    const group = await describeGroup(broker.bootstrap, 'refunds');
    expect(group).toMatchObject({ state: 'Empty', members: [] });
  }, 60_000);

  it('close() cuts a retry backoff short and leaves the failing record uncommitted, not dead-lettered', async () => {
    await produceNumbered(broker.bootstrap, 'chargebacks', 2);
    const service = await startService([PaymentsController], {
      ...options('chargebacks', 30_000),
      retry: { attempts: 5, backoffMs: 600_000 },
    });
    const deadLetters: unknown[] = [];
    service.server.on('dead-letter', (event) => deadLetters.push(event));
    // Offset 0 failed once and waits ten minutes for its retry; offset 1 (another key) is done.
    await recorder(started, 'chargebacks').count(2);
    await service.app.close();
    expect(deadLetters).toEqual([]);
    // The group's position stays at offset 0: the next member starts with the failing record.
    expect(await committedOffsets(broker.bootstrap, 'chargebacks', 'chargebacks')).toEqual([0n]);
  }, 30_000);
});
