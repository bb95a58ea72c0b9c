import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { ClientRunnel, type RunnelContext, RunnelStatus } from '../src/index.js';
import {
  createTopics,
  FAST_CONSUMER,
  Recorder,
  startService,
  startTestBroker,
  type TestBroker,
} from './support/runnel-test-kit.js';

interface Seen {
  group: string;
  data: unknown;
  topic: string;
  partition: number;
  offset: bigint;
  key: string | null;
  headers: Record<string, string | string[]>;
  timestamp: number;
}

const service = new Recorder<Seen>();
const audit = new Recorder<Seen>();

function seen(data: unknown, ctx: RunnelContext): Seen {
  return {
    group: ctx.getGroupId(),
    data,
    topic: ctx.getTopic(),
    partition: ctx.getPartition(),
    offset: ctx.getOffset(),
    key: ctx.getKey(),
    headers: ctx.getHeaders(),
    timestamp: ctx.getTimestamp(),
  };
}

@Controller()
class OrdersController {
  @EventPattern<string>('orders')
  created(@Payload() data: unknown, @Ctx() ctx: RunnelContext): void {
    service.push(seen(data, ctx));
  }

  @EventPattern<string>('orders', { group: 'orders-audit' })
  audited(@Payload() data: unknown, @Ctx() ctx: RunnelContext): void {
    audit.push(seen(data, ctx));
  }
}

describe('ServerRunnel @EventPattern', () => {
  let broker: TestBroker;
  let app: Awaited<ReturnType<typeof startService>>;
  let client: ClientRunnel;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTopics(broker.bootstrap, ['orders'], 3);
    app = await startService([OrdersController], {
      client: { clientId: 'orders-service', brokers: [broker.bootstrap] },
      consumer: { groupId: 'orders-service', ...FAST_CONSUMER },
      subscribe: { fromBeginning: true },
    });
    client = new ClientRunnel({
      client: { clientId: 'caller', brokers: [broker.bootstrap] },
      producerOnlyMode: true,
    });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await app?.app.close();
    await broker?.close();
  });

  it('hands an emitted event to the handler with its topic, partition, offset, key, headers and timestamp', async () => {
    const before = Date.now();
    const [written] = await lastValueFrom(
      client.emit('orders', {
        key: 'order-1',
        value: { type: 'OrderCreated', orderId: 'order-1' },
        headers: { source: 'spec' },
      }),
    );
    const [event] = await service.count(1);
    expect(event).toEqual({
      group: 'orders-service',
      data: { type: 'OrderCreated', orderId: 'order-1' },
      topic: 'orders',
      partition: written.partition,
      offset: written.offset,
      key: 'order-1',
      headers: { source: 'spec' },
      timestamp: expect.any(Number),
    });
    expect(event!.timestamp).toBeGreaterThanOrEqual(before - 1);
  }, 30_000);

  it('delivers every event to each of two groups in one app, one consumer per group', async () => {
    const events = Array.from({ length: 30 }, (_, i) => ({ key: `order-${i % 7}`, value: { n: i } }));
    await Promise.all(events.map((event) => lastValueFrom(client.emit('orders', event))));
    const inService = await service.count(31);
    const inAudit = await audit.count(31);
    const values = (list: Seen[]) =>
      list
        .map((s) => (s.data as { n?: number }).n)
        .filter((n) => n !== undefined)
        .sort((a, b) => a! - b!);
    expect(values(inService)).toEqual(events.map((e) => e.value.n));
    expect(values(inAudit)).toEqual(events.map((e) => e.value.n));
    expect(new Set(inAudit.map((s) => s.group))).toEqual(new Set(['orders-audit']));
    const { consumers } = app.server.unwrap();
    expect([...consumers.keys()].sort()).toEqual(['orders-audit', 'orders-service']);
  }, 30_000);

  it('reports connected once listening', async () => {
    const status = await new Promise<RunnelStatus>((resolve) => {
      const subscription = app.server.status.subscribe((s) => {
        resolve(s);
        queueMicrotask(() => subscription.unsubscribe());
      });
    });
    expect(status).toBe(RunnelStatus.CONNECTED);
  });

  it('reports rebalancing while a second member joins a group, then connected, and shares the partitions', async () => {
    const statuses = new Recorder<RunnelStatus>();
    const subscription = app.server.status.subscribe((s) => statuses.push(s));
    const joins = new Recorder<number>();
    app.server.on('group', (event) => {
      if (event.type === 'group-join' && event.groupId === 'orders-service')
        joins.push(event.assigned.length);
    });
    // A second instance of the service: its join makes the first member's group rebalance.
    const second = await startService([OrdersController], {
      client: { clientId: 'orders-service-2', brokers: [broker.bootstrap] },
      consumer: { groupId: 'orders-service', ...FAST_CONSUMER },
    });
    try {
      await joins.count(1);
      await statuses.count(3);
      expect(statuses.items.slice(0, 3)).toEqual([
        RunnelStatus.CONNECTED,
        RunnelStatus.REBALANCING,
        RunnelStatus.CONNECTED,
      ]);
      const mine = joins.items.at(-1)!;
      const theirs = second.server.unwrap().consumers.get('orders-service')!.assignment().length;
      expect(mine + theirs).toBe(3);
      expect(Math.min(mine, theirs)).toBeGreaterThan(0);
    } finally {
      subscription.unsubscribe();
      await second.app.close();
    }
  }, 30_000);
});
