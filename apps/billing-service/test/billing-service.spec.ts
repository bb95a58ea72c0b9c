import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientKafka } from '@nestjs/microservices';
import { type RunningBroker, startBroker } from '@runnel/broker';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { type BillingApp, createBillingApp } from '../src/create-billing-app.js';
import type { BillingEvent, OrderEvent } from '../src/events.js';
import { eventually, getJson } from './eventually.js';

/** Short group timings, so that joins and a killed member's expiry do not dominate the test. */
const FAST = { logger: false as const, sessionTimeoutMs: 6_000, shutdownGraceMs: 2_000 };

interface HealthBody {
  groups: Record<'billing-service' | 'billing-audit', { partitions: number[]; eventsSeen: number }>;
}

interface AuditBody {
  eventsSeen: number;
  orderingViolations: number;
  assigned: number[];
  partitions: { partition: number; events: number }[];
}

function orderEvents(orderId = randomUUID(), paid = true): OrderEvent[] {
  const created: OrderEvent = {
    type: 'OrderCreated',
    eventId: randomUUID(),
    orderId,
    seq: 1,
    customerId: 'c1',
    items: [{ sku: 'tea', quantity: 2, unitPrice: 3.5 }],
    total: 7,
  };
  const second: OrderEvent = paid
    ? { type: 'OrderPaid', eventId: randomUUID(), orderId, seq: 2 }
    : { type: 'OrderCancelled', eventId: randomUUID(), orderId, seq: 2 };
  return [created, second];
}

describe('billing-service', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let producer: Producer;
  const apps: BillingApp[] = [];

  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir: mkdtempSync(join(tmpdir(), 'billing-service-')),
      logger: false,
      groupInitialRebalanceDelayMs: 0,
    });
    kafka = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await producer.disconnect();
    await broker.close();
  });

  async function start(): Promise<BillingApp> {
    const app = await createBillingApp({ ...FAST, port: 0, bootstrapServers: [broker.bootstrapServers] });
    apps.push(app);
    return app;
  }

  /** Writes order events as order-service does: JSON values keyed by order id, by kafkajs. */
  async function writeOrders(events: readonly OrderEvent[]): Promise<void> {
    await producer.send({
      topic: 'orders',
      messages: events.map((e) => ({ key: e.orderId, value: JSON.stringify(e) })),
    });
  }

  /** Every record of topic `billing`, read by kafkajs from the start. */
  async function billingTopic(): Promise<BillingEvent[]> {
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('billing');
    await admin.disconnect();
    const total = offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
    const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const events: BillingEvent[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'billing', fromBeginning: true });
    await new Promise<void>((resolve) => {
      if (total === 0) resolve();
      void consumer.run({
        eachMessage: async ({ message }) => {
          events.push(JSON.parse(message.value!.toString()));
          if (events.length === total) resolve();
        },
      });
    });
    await consumer.disconnect();
    return events;
  }

  it('bills every order once, audits every event, and after a restart has lost and doubled nothing', async () => {
    const app = await start();
    const orders = [orderEvents(), orderEvents(undefined, false), orderEvents()];
    await writeOrders(orders.flat());
    const [paid, cancelled] = orders.map(([created]) => created!.orderId);

    expect(
      await eventually(async () => {
        const { body } = await getJson<{ status: string }>(`${app.url}/invoices/${paid}`);
        expect(body.status).toBe('captured');
        return body;
      }),
    ).toEqual({ orderId: paid, amount: 7, status: 'captured' });
    await eventually(async () =>
      expect((await getJson(`${app.url}/invoices/${cancelled}`)).body).toMatchObject({ status: 'voided' }),
    );
    const audit = await eventually(async () => {
      const { body } = await getJson<AuditBody>(`${app.url}/audit/stats`);
      expect(body.eventsSeen).toBe(6);
      return body;
    });
    expect(audit).toMatchObject({ orderingViolations: 0, assigned: [0, 1, 2, 3, 4, 5] });
    await eventually(async () => expect((await billingTopic()).length).toBe(6));

    await app.close();
    apps.pop();
    // Written while billing is down: the restarted instance bills them, and nothing before.
    const late = orderEvents();
    await writeOrders(late);
    const restarted = await start();
    expect(restarted.replayed.records).toBe(6);
    await eventually(async () => {
      const { body } = await getJson<AuditBody>(`${restarted.url}/audit/stats`);
      expect(body).toMatchObject({ eventsSeen: 8, orderingViolations: 0 });
    });
    await eventually(async () =>
      expect((await getJson(`${restarted.url}/invoices/${late[0]!.orderId}`)).body).toMatchObject({
        status: 'captured',
      }),
    );
    const billed = await billingTopic();
    expect(billed).toHaveLength(8);
    expect(new Set(billed.map((e) => e.causationId)).size).toBe(8);
  }, 60_000);

  it('shares the partitions of both groups between two instances, whose stats add up to the topic once', async () => {
    const [a, b] = [await start(), await start()];
    const health = async (app: BillingApp) => (await getJson<HealthBody>(`${app.url}/health`)).body.groups;
    await eventually(async () => {
      const [ga, gb] = [await health(a), await health(b)];
      for (const group of ['billing-service', 'billing-audit'] as const) {
        expect(ga[group].partitions.length).toBeGreaterThan(0);
        expect(gb[group].partitions.length).toBeGreaterThan(0);
        expect([...ga[group].partitions, ...gb[group].partitions].sort()).toEqual([0, 1, 2, 3, 4, 5]);
      }
    });
    const before = (await billingTopic()).length;
    const audited = async (app: BillingApp) =>
      (await getJson<AuditBody>(`${app.url}/audit/stats`)).body.eventsSeen;
    const base = (await audited(a)) + (await audited(b));
    const orders = Array.from({ length: 20 }, () => orderEvents());
    await writeOrders(orders.flat());
    await eventually(async () => {
      const [ga, gb] = [await health(a), await health(b)];
      expect(ga['billing-audit'].eventsSeen + gb['billing-audit'].eventsSeen).toBe(base + 40);
      expect(ga['billing-service'].eventsSeen + gb['billing-service'].eventsSeen).toBe(base + 40);
    });

    // b leaves: a takes its partitions over, rebuilds their audit from the log and bills nothing twice.
    await b.close();
    apps.splice(apps.indexOf(b), 1);
    await eventually(async () => {
      const { body } = await getJson<AuditBody>(`${a.url}/audit/stats`);
      expect(body).toMatchObject({
        assigned: [0, 1, 2, 3, 4, 5],
        eventsSeen: base + 40,
        orderingViolations: 0,
      });
    });
    const more = Array.from({ length: 5 }, () => orderEvents(undefined, false));
    await writeOrders(more.flat());
    await eventually(async () => expect((await health(a))['billing-service'].eventsSeen).toBe(base + 50));
    const billed = await billingTopic();
    expect(billed.length).toBe(before + 50);
    expect(new Set(billed.map((e) => e.eventId)).size).toBe(billed.length);
  }, 90_000);

  it("answers billing.quote to NestJS's Transport.KAFKA client, and names the bad fields of a bad request", async () => {
    await start();
    const client = new ClientKafka({
      client: { clientId: 'quote-caller', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING },
      consumer: {
        groupId: 'quote-caller',
        sessionTimeout: 6_000,
        heartbeatInterval: 300,
        maxWaitTimeInMs: 100,
      },
    });
    client.subscribeToResponseOf('billing.quote');
    await client.connect();
    try {
      const items = [
        { sku: 'tea', quantity: 3, unitPrice: 19.99 },
        { sku: 'cup', quantity: 1, unitPrice: 0.01 },
      ];
      expect(await lastValueFrom(client.send('billing.quote', { customerId: 'c1', items }))).toEqual({
        total: 59.98,
      });
      const refused = lastValueFrom(
        client.send('billing.quote', { customerId: '', items: [{ sku: 'tea', quantity: 0 }] }),
      );
      await expect(refused).rejects.toMatchObject({
        name: 'PayloadValidationException',
        violations: expect.arrayContaining([
          expect.objectContaining({ property: 'customerId' }),
          expect.objectContaining({ property: 'items.0.quantity' }),
          expect.objectContaining({ property: 'items.0.unitPrice' }),
        ]),
      });
    } finally {
      await client.close();
    }
  }, 60_000);

  it('with more instances than partitions, the extra one owns none and logs that it is idle', async () => {
    // A broker of its own, where `orders` has a single partition for the two instances to share.
    const small = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir: mkdtempSync(join(tmpdir(), 'billing-idle-')),
      logger: false,
      groupInitialRebalanceDelayMs: 0,
    });
    const lines: string[] = [];
    const logger = {
      log: (message: unknown) => lines.push(String(message)),
      error: (message: unknown) => lines.push(String(message)),
      warn: (message: unknown) => lines.push(String(message)),
    };
    const admin = new Kafka({ brokers: [small.bootstrapServers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] });
    await admin.disconnect();
    const options = { ...FAST, logger, port: 0, bootstrapServers: [small.bootstrapServers] };
    const instances = [await createBillingApp(options), await createBillingApp(options)];
    try {
      const owned = await eventually(async () => {
        const groups = await Promise.all(
          instances.map(
            async (app) =>
              (await getJson<HealthBody>(`${app.url}/health`)).body.groups['billing-audit'].partitions,
          ),
        );
        expect(groups.flat()).toEqual([0]);
        return groups;
      });
      expect(owned.map((partitions) => partitions.length).sort()).toEqual([0, 1]);
      // Either instance may end up idle: the first one also says what it gave up.
      const idle =
        "group 'billing-audit': no partitions of 'orders' for this instance; it is idle until a rebalance gives it some";
      await eventually(() =>
        expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${idle}( \\(gave up \\[0\\]\\))?$`))),
      );
      expect(lines).toContain(
        "group 'billing-audit': this instance consumes 'orders' partitions [0] (got [0])",
      );
    } finally {
      await Promise.all(instances.map((app) => app.close()));
      await small.close();
    }
  }, 60_000);
});
