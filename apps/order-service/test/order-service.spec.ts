import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type RunningBroker, startBroker } from '@runnel/broker';
import { ServerRunnel } from '@runnel/nestjs';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { createOrderApp, type OrderApp } from '../src/create-order-app.js';
import type { BillingEvent, OrderEvent, OrderItem, QuoteRequest } from '../src/events.js';
import { eventually, getJson } from './eventually.js';

/** The quotes the stand-in billing answered, for the test to check what order-service asked. */
const quoted: QuoteRequest[] = [];

/** Stands in for billing-service's `billing.quote`: the sum of quantity x unit price, plus 1 for shipping. */
@Controller()
class QuoteResponder {
  @MessagePattern('billing.quote')
  quote(@Payload() request: QuoteRequest): { total: number } {
    quoted.push(request);
    return { total: request.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 1) };
  }
}

@Module({ controllers: [QuoteResponder] })
class QuoteResponderModule {}

const ITEMS: OrderItem[] = [{ sku: 'tea', quantity: 2, unitPrice: 3.5 }];

async function post(url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('order-service', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let producer: Producer;
  let billing: INestMicroservice | undefined;
  let service: OrderApp | undefined;

  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir: mkdtempSync(join(tmpdir(), 'order-service-')),
      logger: false,
      groupInitialRebalanceDelayMs: 0,
    });
    kafka = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'billing.quote', numPartitions: 2 }] });
    await admin.disconnect();
    await startBilling();
    service = await start();
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await billing?.close();
    await producer.disconnect();
    await broker.close();
  });

  async function startBilling(): Promise<void> {
    billing = await NestFactory.createMicroservice(QuoteResponderModule, {
      strategy: new ServerRunnel({
        client: { clientId: 'quote-responder', brokers: [broker.bootstrapServers] },
        consumer: { groupId: 'quote-responder', sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 },
      }),
      logger: false,
    });
    await billing.listen();
  }

  function start(quoteTimeoutMs = 10_000): Promise<OrderApp> {
    return createOrderApp({
      port: 0,
      bootstrapServers: [broker.bootstrapServers],
      logger: false,
      quoteTimeoutMs,
    });
  }

  /** The events of topic `orders` for one order, read by kafkajs: key, partition and value. */
  async function eventsOf(orderId: string, count: number): Promise<{ key: string; value: OrderEvent }[]> {
    const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const found: { key: string; value: OrderEvent }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const value = JSON.parse(message.value!.toString()) as OrderEvent;
          if (value.orderId !== orderId) return;
          found.push({ key: message.key!.toString(), value });
          if (found.length === count) resolve();
        },
      });
    });
    await consumer.disconnect();
    return found;
  }

  async function writeBilling(event: BillingEvent): Promise<void> {
    await producer.send({
      topic: 'billing',
      messages: [{ key: event.orderId, value: JSON.stringify(event) }],
    });
  }

  it('answers a bad order with 400 naming each bad field, and asks billing nothing', async () => {
    const before = quoted.length;
    const { status, body } = await post(`${service!.url}/orders`, {
      customerId: '',
      items: [{ sku: 'tea', quantity: 0, unitPrice: 1.234 }],
    });
    expect(status).toBe(400);
    expect(body.message).toEqual(
      expect.arrayContaining([
        'customerId must be longer than or equal to 1 characters',
        'items.0.quantity must not be less than 1',
        'items.0.unitPrice must be a number conforming to the specified constraints',
      ]),
    );
    expect((await post(`${service!.url}/orders`, { customerId: 'c1', items: [] })).body.message).toEqual([
      'items must contain at least 1 elements',
    ]);
    expect(quoted.length).toBe(before);
  });

  it('places an order priced by billing.quote and writes OrderCreated keyed by its id with seq 1', async () => {
    const { status, body } = await post(`${service!.url}/orders`, { customerId: 'c1', items: ITEMS });
    expect(status).toBe(201);
    expect(body).toEqual({ id: expect.any(String), status: 'created', total: 8 });
    expect(quoted.at(-1)).toEqual({ customerId: 'c1', items: ITEMS });
    const [created] = await eventsOf(body.id as string, 1);
    expect(created).toEqual({
      key: body.id,
      value: {
        type: 'OrderCreated',
        eventId: expect.any(String),
        orderId: body.id,
        seq: 1,
        customerId: 'c1',
        items: ITEMS,
        total: 8,
      },
    });
  });

  it('pays, refuses what the status does not allow with 409, and settles on the billing events', async () => {
    const url = service!.url;
    const { body: placed } = await post(`${url}/orders`, { customerId: 'c2', items: ITEMS });
    const id = placed.id as string;
    expect(await post(`${url}/orders/${id}/pay`)).toMatchObject({
      status: 200,
      body: { id, status: 'paid' },
    });
    expect(await post(`${url}/orders/${id}/pay`)).toMatchObject({
      status: 409,
      body: {
        message: `order '${id}' cannot pay: its status is 'paid', and pay is allowed only from 'created' or 'invoiced'`,
      },
    });
    expect((await post(`${url}/orders/${id}/cancel`)).status).toBe(409);
    expect((await post(`${url}/orders/${randomUUID()}/pay`)).status).toBe(404);
    expect((await getJson(`${url}/orders/not-a-uuid`)).status).toBe(400);

    // The invoice comes after the pay: the order stays paid, and the capture settles it.
    await writeBilling({ type: 'InvoiceIssued', eventId: randomUUID(), orderId: id, seq: 1, amount: 8 });
    await writeBilling({ type: 'PaymentCaptured', eventId: randomUUID(), orderId: id, seq: 2, amount: 8 });
    await eventually(async () =>
      expect((await getJson(`${url}/orders/${id}`)).body).toMatchObject({ status: 'settled' }),
    );
    const events = await eventsOf(id, 2);
    expect(events.map(({ value }) => [value.type, value.seq])).toEqual([
      ['OrderCreated', 1],
      ['OrderPaid', 2],
    ]);
  });

  it('cancels from invoiced', async () => {
    const url = service!.url;
    const { body: placed } = await post(`${url}/orders`, { customerId: 'c3', items: ITEMS });
    const id = placed.id as string;
    await writeBilling({ type: 'InvoiceIssued', eventId: randomUUID(), orderId: id, seq: 1, amount: 8 });
    await eventually(async () =>
      expect((await getJson(`${url}/orders/${id}`)).body).toMatchObject({ status: 'invoiced' }),
    );
    expect(await post(`${url}/orders/${id}/cancel`)).toMatchObject({
      status: 200,
      body: { status: 'cancelled' },
    });
  });

  it('rebuilt from the topics after a restart, it shows the same orders and numbers on where it stopped', async () => {
    const url = service!.url;
    const { body: placed } = await post(`${url}/orders`, { customerId: 'c4', items: ITEMS });
    const duplicate: BillingEvent = {
      type: 'InvoiceIssued',
      eventId: randomUUID(),
      orderId: placed.id as string,
      seq: 1,
      amount: 8,
    };
    await writeBilling(duplicate);
    await writeBilling(duplicate);
    await eventually(async () =>
      expect((await getJson(`${url}/orders/${placed.id}`)).body).toMatchObject({ status: 'invoiced' }),
    );
    const byId = (orders: { id: string }[]) => [...orders].sort((a, b) => a.id.localeCompare(b.id));
    const before = byId((await getJson<{ id: string }[]>(`${url}/orders`)).body);
    const { body: health } = await getJson<{ groups: Record<string, { eventsSeen: number }> }>(
      `${url}/health`,
    );

    await service!.close();
    service = await start();
    expect(byId((await getJson<{ id: string }[]>(`${service.url}/orders`)).body)).toEqual(before);
    expect((await getJson(`${service.url}/health`)).body).toMatchObject({
      groups: { 'order-service': { eventsSeen: health.groups['order-service']!.eventsSeen } },
    });
    expect((await post(`${service.url}/orders/${placed.id}/pay`)).body).toMatchObject({ status: 'paid' });
    const events = await eventsOf(placed.id as string, 2);
    expect(events.map(({ value }) => value.seq)).toEqual([1, 2]);
  }, 60_000);

  it('answers 503 when billing does not quote in time, and keeps no order', async () => {
    await billing!.close();
    billing = undefined;
    const impatient = await start(300);
    try {
      const count = (await getJson<unknown[]>(`${impatient.url}/orders`)).body.length;
      const { status, body } = await post(`${impatient.url}/orders`, { customerId: 'c5', items: ITEMS });
      expect({ status, message: body.message }).toEqual({
        status: 503,
        message: 'billing did not quote the order: no reply within 300 ms',
      });
      expect((await getJson<unknown[]>(`${impatient.url}/orders`)).body).toHaveLength(count);
    } finally {
      await impatient.close();
    }
  }, 60_000);
});
