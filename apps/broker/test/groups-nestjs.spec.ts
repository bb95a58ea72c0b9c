import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientKafka,
  EventPattern,
  MessagePattern,
  type MicroserviceOptions,
  Payload,
  Transport,
} from '@nestjs/microservices';
import { Kafka, logLevel } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { type RunningBroker, startBroker } from '../src/index.js';

/** Short kafkajs timings so that group joins and fetch polls do not dominate the test. */
const CONSUMER_TIMINGS = { sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 100 };

interface OrderCreated {
  readonly id: string;
}

/** Events the service received, with a hook for the test to await the next one. */
const createdOrders: OrderCreated[] = [];
let onCreated: (() => void) | undefined;

@Controller()
class OrdersController {
  @EventPattern('order.created')
  created(@Payload() order: OrderCreated): void {
    createdOrders.push(order);
    onCreated?.();
  }

  @MessagePattern('order.total')
  total(@Payload() request: { items: number[] }): { total: number } {
    return { total: request.items.reduce((sum, item) => sum + item, 0) };
  }
}

@Module({ controllers: [OrdersController] })
class OrdersModule {}

describe("NestJS's Kafka transport", () => {
  let broker: RunningBroker;
  let service: INestMicroservice;
  let client: ClientKafka;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-groups-nestjs-'));
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir,
      logger: false,
      groupInitialRebalanceDelayMs: 0,
    });
    const admin = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({
      topics: ['order.created', 'order.total', 'order.total.reply'].map((topic) => ({ topic })),
    });
    await admin.disconnect();

    service = await NestFactory.createMicroservice<MicroserviceOptions>(OrdersModule, {
      transport: Transport.KAFKA,
      options: {
        client: { clientId: 'orders', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING },
        consumer: { groupId: 'orders-service', ...CONSUMER_TIMINGS },
        subscribe: { fromBeginning: true },
      },
      logger: false,
    });
    await service.listen();

    client = new ClientKafka({
      client: { clientId: 'caller', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING },
      consumer: { groupId: 'caller', ...CONSUMER_TIMINGS },
      subscribe: { fromBeginning: true },
    });
    client.subscribeToResponseOf('order.total');
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await service?.close();
    await broker?.close();
  });

  it('delivers an emitted event to the @EventPattern handler of the service group', async () => {
    const received = new Promise<void>((resolve) => {
      onCreated = resolve;
    });
    await lastValueFrom(client.emit('order.created', { id: 'o-17' }));
    await received;
    expect(createdOrders).toEqual([{ id: 'o-17' }]);
  }, 30_000);

  it('answers ClientKafka.send() from the @MessagePattern handler over the reply topic', async () => {
    await expect(lastValueFrom(client.send('order.total', { items: [3, 4, 5] }))).resolves.toEqual({
      total: 12,
    });
  }, 30_000);
});
