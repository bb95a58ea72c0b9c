import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientKafka,
  Ctx,
  EventPattern,
  type KafkaContext,
  MessagePattern,
  type MicroserviceOptions,
  Payload,
  RpcException,
  Transport,
} from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { ClientRunnel, type RunnelContext } from '../src/index.js';
import {
  createTopics,
  FAST_CONSUMER,
  Recorder,
  startService,
  startTestBroker,
  type TestBroker,
} from './support/runnel-test-kit.js';

/** kafkajs timings that keep its group joins and polls short. */
const KAFKAJS_CONSUMER = { sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 50 };

interface Event {
  data: unknown;
  key: string | null;
}

const runnelSide = new Recorder<Event>();
const kafkaSide = new Recorder<Event>();

function byId(events: Event[]): Event[] {
  const id = (event: Event) => (event.data as { id: string }).id;
  return [...events].sort((a, b) => id(a).localeCompare(id(b)));
}

function quote(request: { items: number[] }): { total: number } {
  return { total: request.items.reduce((sum, n) => sum + n, 0) };
}

function refuse(request: { customerId: string }): never {
  throw new RpcException({ status: 'refused', message: `customer ${request.customerId} is blocked` });
}

/** Served by our ServerRunnel. */
@Controller()
class RunnelBilling {
  @EventPattern<string>('interop.orders')
  order(@Payload() data: unknown, @Ctx() ctx: RunnelContext): void {
    runnelSide.push({ data, key: ctx.getKey() });
  }

  @MessagePattern('interop.quote')
  quote(@Payload() request: { items: number[] }): { total: number } {
    return quote(request);
  }

  @MessagePattern('interop.refuse')
  refuse(@Payload() request: { customerId: string }): never {
    return refuse(request);
  }
}

/** Served by NestJS's own Transport.KAFKA server. */
@Controller()
class KafkaBilling {
  @EventPattern<string>('interop.kafka-orders')
  order(@Payload() data: unknown, @Ctx() ctx: KafkaContext): void {
    kafkaSide.push({ data, key: ctx.getMessage().key?.toString() ?? null });
  }

  @MessagePattern('interop.kafka-quote')
  quote(@Payload() request: { items: number[] }): { total: number } {
    return quote(request);
  }

  @MessagePattern('interop.kafka-refuse')
  refuse(@Payload() request: { customerId: string }): never {
    return refuse(request);
  }
}

@Module({ controllers: [KafkaBilling] })
class KafkaBillingModule {}

describe('interoperability with NestJS Transport.KAFKA on the wire', () => {
  let broker: TestBroker;
  let runnelServer: Awaited<ReturnType<typeof startService>>;
  let kafkaServer: INestMicroservice;
  let kafkaClient: ClientKafka;
  let runnelClient: ClientRunnel;

  beforeAll(async () => {
    broker = await startTestBroker();
    const patterns = ['interop.quote', 'interop.refuse', 'interop.kafka-quote', 'interop.kafka-refuse'];
    await createTopics(broker.bootstrap, ['interop.orders', 'interop.kafka-orders', ...patterns], 2);
    await createTopics(
      broker.bootstrap,
      patterns.map((p) => `${p}.reply`),
      2,
    );
    runnelServer = await startService([RunnelBilling], {
      client: { clientId: 'runnel-billing', brokers: [broker.bootstrap] },
      consumer: { groupId: 'runnel-billing', ...FAST_CONSUMER },
      subscribe: { fromBeginning: true },
    });
    kafkaServer = await NestFactory.createMicroservice<MicroserviceOptions>(KafkaBillingModule, {
      transport: Transport.KAFKA,
      options: {
        client: { clientId: 'kafka-billing', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING },
        consumer: { groupId: 'kafka-billing', ...KAFKAJS_CONSUMER },
        subscribe: { fromBeginning: true },
      },
      logger: false,
    });
    await kafkaServer.listen();
    kafkaClient = new ClientKafka({
      client: { clientId: 'kafka-orders', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING },
      consumer: { groupId: 'kafka-orders', ...KAFKAJS_CONSUMER },
    });
    kafkaClient.subscribeToResponseOf('interop.quote');
    kafkaClient.subscribeToResponseOf('interop.refuse');
    await kafkaClient.connect();
    runnelClient = new ClientRunnel({ client: { clientId: 'runnel-orders', brokers: [broker.bootstrap] } });
    await runnelClient.connect();
  }, 90_000);

  afterAll(async () => {
    await runnelClient?.close();
    await kafkaClient?.close();
    await kafkaServer?.close();
    await runnelServer?.app.close();
    await broker?.close();
  });

  describe('a Transport.KAFKA ClientKafka and our ServerRunnel', () => {
    it('delivers its events, keyed or not, to the @EventPattern handler', async () => {
      await lastValueFrom(kafkaClient.emit('interop.orders', { id: 'o-1' }));
      await lastValueFrom(kafkaClient.emit('interop.orders', { key: 'o-2', value: { id: 'o-2' } }));
      const events = await runnelSide.count(2);
      expect(byId(events)).toEqual([
        { data: { id: 'o-1' }, key: null },
        { data: { id: 'o-2' }, key: 'o-2' },
      ]);
    }, 30_000);

    it('gets the reply to its request on its reply partition', async () => {
      await expect(lastValueFrom(kafkaClient.send('interop.quote', { items: [1, 2, 3] }))).resolves.toEqual({
        total: 6,
      });
    }, 30_000);

    it('gets an RpcException as the error, status and message intact', async () => {
      await expect(lastValueFrom(kafkaClient.send('interop.refuse', { customerId: 'c-3' }))).rejects.toEqual({
        status: 'refused',
        message: 'customer c-3 is blocked',
      });
    }, 30_000);
  });

  describe('our ClientRunnel and a Transport.KAFKA server', () => {
    it('delivers its events, keyed or not, to the Transport.KAFKA @EventPattern handler', async () => {
      await lastValueFrom(runnelClient.emit('interop.kafka-orders', { id: 'k-1' }));
      await lastValueFrom(runnelClient.emit('interop.kafka-orders', { key: 'k-2', value: { id: 'k-2' } }));
      const events = await kafkaSide.count(2);
      expect(byId(events)).toEqual([
        { data: { id: 'k-1' }, key: null },
        { data: { id: 'k-2' }, key: 'k-2' },
      ]);
    }, 30_000);

    it("gets the Transport.KAFKA server's reply", async () => {
      await expect(
        lastValueFrom(runnelClient.send('interop.kafka-quote', { items: [4, 5] })),
      ).resolves.toEqual({
        total: 9,
      });
    }, 30_000);

    it("gets the Transport.KAFKA server's RpcException, status and message intact", async () => {
      await expect(
        lastValueFrom(runnelClient.send('interop.kafka-refuse', { customerId: 'c-4' })),
      ).rejects.toEqual({ status: 'refused', message: 'customer c-4 is blocked' });
    }, 30_000);
  });
});
