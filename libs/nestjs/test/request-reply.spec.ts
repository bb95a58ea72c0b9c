import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { ClientRunnel, RequestTimeoutError, type RunnelContext } from '../src/index.js';
import {
  createTopics,
  deferred,
  FAST_CONSUMER,
  startService,
  startTestBroker,
  type TestBroker,
} from './support/runnel-test-kit.js';

interface QuoteRequest {
  customerId: string;
  items: { quantity: number; unitPrice: number }[];
}

/** Released by the timeout spec so the held handler does not outlive the app. */
const slow = deferred();

@Controller()
class BillingController {
  @MessagePattern('billing.quote')
  quote(@Payload() request: QuoteRequest): { customerId: string; total: number } {
    return {
      customerId: request.customerId,
      total: request.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0),
    };
  }

  @MessagePattern('billing.refuse')
  refuse(@Payload() request: { customerId: string }): never {
    throw new RpcException({ status: 404, message: `no customer '${request.customerId}'` });
  }

  @MessagePattern('billing.slow')
  async never(): Promise<string> {
    await slow.promise;
    return 'late';
  }

  @MessagePattern('billing.trace')
  trace(@Ctx() ctx: RunnelContext): {
    traceparent: string | undefined;
    metadata: Record<string, string> | undefined;
  } {
    return { traceparent: ctx.getTraceparent(), metadata: ctx.getMetadata() };
  }
}

const PATTERNS = ['billing.quote', 'billing.refuse', 'billing.slow', 'billing.trace'];

describe('ClientRunnel.send and ServerRunnel @MessagePattern', () => {
  let broker: TestBroker;
  let service: Awaited<ReturnType<typeof startService>>;
  const clients: ClientRunnel[] = [];

  const newClient = (options: { requestTimeoutMs?: number; replyPatterns?: string[] } = {}) => {
    const client = new ClientRunnel({
      client: { clientId: 'orders', brokers: [broker.bootstrap] },
      ...options,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTopics(broker.bootstrap, PATTERNS, 2);
    await createTopics(
      broker.bootstrap,
      PATTERNS.map((p) => `${p}.reply`),
      3,
    );
    service = await startService([BillingController], {
      client: { clientId: 'billing', brokers: [broker.bootstrap] },
      consumer: { groupId: 'billing-service', ...FAST_CONSUMER },
    });
  }, 60_000);

  afterAll(async () => {
    slow.resolve();
    await Promise.all(clients.map((c) => c.close()));
    await service?.app.close();
    await broker?.close();
  });

  it('answers a request sent right after connect() (the reply topic is read before connect resolves)', async () => {
    const client = newClient({ replyPatterns: ['billing.quote'] });
    await client.connect();
    const request = {
      customerId: 'c-1',
      items: [
        { quantity: 2, unitPrice: 5 },
        { quantity: 1, unitPrice: 7 },
      ],
    };
    await expect(lastValueFrom(client.send('billing.quote', request))).resolves.toEqual({
      customerId: 'c-1',
      total: 17,
    });
  }, 30_000);

  it('matches each of many concurrent replies to its own request', async () => {
    const client = newClient();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        lastValueFrom(
          client.send('billing.quote', { customerId: `c-${i}`, items: [{ quantity: i, unitPrice: 3 }] }),
        ),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => ({ customerId: `c-${i}`, total: 3 * i })));
  }, 30_000);

  it('hands an RpcException to the caller with its status and message intact', async () => {
    const client = newClient();
    await expect(lastValueFrom(client.send('billing.refuse', { customerId: 'c-9' }))).rejects.toEqual({
      status: 404,
      message: "no customer 'c-9'",
    });
  }, 30_000);

  it('fails a request without a reply after requestTimeoutMs, naming the pattern and the limit', async () => {
    const client = newClient({ requestTimeoutMs: 300 });
    const failure = lastValueFrom(client.send('billing.slow', {})).catch((error: unknown) => error);
    const error = await failure;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).message).toMatch(
      /^request 'billing\.slow' .* within 300 ms \(requestTimeoutMs\)$/,
    );
    expect(error).toMatchObject({ pattern: 'billing.slow', timeoutMs: 300 });
  }, 30_000);

  it('carries packet metadata and the W3C traceparent in headers to the context', async () => {
    const client = newClient();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    client.setOnDispatchHook((packet) => {
      packet.metadata = { traceparent, tenant: 'acme' };
    });
    await expect(lastValueFrom(client.send('billing.trace', {}))).resolves.toEqual({
      traceparent,
      metadata: { traceparent, tenant: 'acme' },
    });
  }, 30_000);

  it('fails send() after close() instead of hanging', async () => {
    const client = newClient();
    await client.connect();
    const pending = lastValueFrom(client.send('billing.slow', {})).catch((error: unknown) => error);
    // The request is on its way once its reply topic is assigned; closing fails it at once.
    await client.subscribeToResponseOf('billing.slow');
    await client.close();
    await expect(pending).resolves.toMatchObject({ message: 'ClientRunnel closed before the reply came' });
  }, 30_000);
});
