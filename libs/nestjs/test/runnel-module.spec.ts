import { Controller, Inject, Injectable, Module } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { lastValueFrom } from 'rxjs';
import { ClientRunnel, type RunnelContext, RunnelModule } from '../src/index.js';
import {
  createTopics,
  FAST_CONSUMER,
  Recorder,
  startService,
  startTestBroker,
  type TestBroker,
} from './support/runnel-test-kit.js';

const received = new Recorder<{ data: unknown; key: string | null }>();

@Controller()
class ShippingController {
  @EventPattern<string>('shipments')
  shipped(@Payload() data: unknown, @Ctx() ctx: RunnelContext): void {
    received.push({ data, key: ctx.getKey() });
  }

  @MessagePattern('shipping.eta')
  eta(@Payload() request: { km: number }): { hours: number } {
    return { hours: request.km / 50 };
  }
}

@Injectable()
class Settings {
  readonly brokers: string[] = [];
}

@Module({ providers: [Settings], exports: [Settings] })
class SettingsModule {}

@Injectable()
class Dispatcher {
  constructor(@Inject('SHIPPING') readonly client: ClientRunnel) {}
}

describe('RunnelModule', () => {
  let broker: TestBroker;
  let service: Awaited<ReturnType<typeof startService>>;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTopics(broker.bootstrap, ['shipments', 'shipping.eta', 'shipping.eta.reply'], 1);
    service = await startService([ShippingController], {
      client: { clientId: 'shipping', brokers: [broker.bootstrap] },
      consumer: { groupId: 'shipping', ...FAST_CONSUMER },
      subscribe: { fromBeginning: true },
    });
  }, 60_000);

  afterAll(async () => {
    await service?.app.close();
    await broker?.close();
  });

  it('forRoot provides a ClientRunnel under its name, closed with the application', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        RunnelModule.forRoot({
          name: 'SHIPPING',
          client: { clientId: 'orders', brokers: [broker.bootstrap] },
        }),
      ],
      providers: [Dispatcher],
    }).compile();
    const app = await moduleRef.init();
    const { client } = app.get(Dispatcher);
    expect(client).toBeInstanceOf(ClientRunnel);
    await lastValueFrom(client.emit('shipments', { key: 'o-5', value: { orderId: 'o-5' } }));
    await expect(received.count(1)).resolves.toEqual([{ data: { orderId: 'o-5' }, key: 'o-5' }]);
    await app.close();
    expect(() => client.unwrap()).toThrow('ClientRunnel is not connected');
  }, 30_000);

  it('forRootAsync builds the options from injected providers', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        RunnelModule.forRootAsync({
          name: 'SHIPPING',
          imports: [SettingsModule],
          inject: [Settings],
          useFactory: (settings: Settings) => ({
            client: { clientId: 'orders', brokers: [...settings.brokers, broker.bootstrap] },
            requestTimeoutMs: 10_000,
          }),
        }),
      ],
      providers: [Dispatcher],
    }).compile();
    const app = await moduleRef.init();
    try {
      const { client } = app.get(Dispatcher);
      await expect(lastValueFrom(client.send('shipping.eta', { km: 150 }))).resolves.toEqual({ hours: 3 });
    } finally {
      await app.close();
    }
  }, 30_000);
});
