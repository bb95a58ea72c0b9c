import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { type ConsumerMessage, Runnel } from '@runnel/client';
import { IsEmail, IsInt, Min } from 'class-validator';
import { lastValueFrom } from 'rxjs';
import {
  ClientRunnel,
  type DeadLetterEvent,
  type RunnelContext,
  RunnelHeaders,
  RunnelValidationPipe,
} from '../src/index.js';
import { committedOffsets, produceNumbered } from './support/admin.js';
import {
  createTopics,
  FAST_CONSUMER,
  Recorder,
  startService,
  startTestBroker,
  type TestBroker,
} from './support/runnel-test-kit.js';

class SignupDto {
  @IsEmail()
  email!: string;

  @IsInt()
  @Min(18)
  age!: number;
}

/** Every try of a handler: `topic key attempt`. */
const tries = new Recorder<string>();
const signups = new Recorder<SignupDto>();
const deadLetters = new Recorder<DeadLetterEvent>();

@Controller()
class BillingController {
  @EventPattern<string>('invoices')
  invoice(@Ctx() ctx: RunnelContext): void {
    tries.push(`invoices ${ctx.getKey()} ${ctx.getAttempt()}`);
    if (ctx.getKey() === 'k1') throw new RpcException('tax service unavailable');
  }

  @EventPattern<string>('signups')
  signup(@Payload(new RunnelValidationPipe()) signup: SignupDto): void {
    signups.push(signup);
  }

  @MessagePattern('signups.check')
  check(@Payload(new RunnelValidationPipe()) signup: SignupDto): { ok: true; email: string } {
    return { ok: true, email: signup.email };
  }
}

/** Hosted only by the service with `deadLetter: false`. */
@Controller()
class AuditController {
  @EventPattern<string>('audit-log', { group: 'audit-no-dlq' })
  audit(@Ctx() ctx: RunnelContext): void {
    if (ctx.getKey() === 'k0') throw new RpcException('audit store full');
  }
}

/** Reads partition 0 of `topic` from the start until `count` records arrived. */
async function readRecords(bootstrap: string, topic: string, count: number): Promise<ConsumerMessage[]> {
  const consumer = new Runnel({ clientId: 'dlq-reader', brokers: [bootstrap] }).consumer({ maxWaitMs: 50 });
  const records = new Recorder<ConsumerMessage>();
  await consumer.connect();
  consumer.assign([{ topic, partition: 0, offset: 0n }]);
  await consumer.run({ eachMessage: ({ message }) => records.push(message) });
  try {
    return await records.count(count);
  } finally {
    await consumer.disconnect();
  }
}

const header = (message: ConsumerMessage, name: string) =>
  (message.headers[name] as Buffer | undefined)?.toString();

describe('retries, dead letters and validation', () => {
  let broker: TestBroker;
  let service: Awaited<ReturnType<typeof startService>>;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTopics(
      broker.bootstrap,
      ['invoices', 'signups', 'signups.check', 'signups.check.reply', 'audit-log'],
      1,
    );
    service = await startService([BillingController], {
      client: { clientId: 'billing', brokers: [broker.bootstrap] },
      consumer: { groupId: 'billing', ...FAST_CONSUMER, autoCommitIntervalMs: 20 },
      subscribe: { fromBeginning: true },
      retry: { attempts: 3, backoffMs: 20 },
    });
    service.server.on('dead-letter', (event) => deadLetters.push(event));
  }, 60_000);

  afterAll(async () => {
    await service?.app.close();
    await broker?.close();
  });

  it('retries a failing handler, then writes the record to <topic>.dlq with the error, attempts and origin', async () => {
    await produceNumbered(broker.bootstrap, 'invoices', 4);
    const [event] = await deadLetters.count(1);
    expect(event).toMatchObject({
      groupId: 'billing',
      topic: 'invoices',
      partition: 0,
      offset: 1n,
      attempts: 3,
      deadLetterTopic: 'invoices.dlq',
    });
    expect(tries.items.filter((t) => t.startsWith('invoices k1'))).toEqual([
      'invoices k1 1',
      'invoices k1 2',
      'invoices k1 3',
    ]);
    const [dead] = await readRecords(broker.bootstrap, 'invoices.dlq', 1);
    expect(dead!.key?.toString()).toBe('k1');
    expect(dead!.value?.toString()).toBe('{"n":1}');
    expect(header(dead!, RunnelHeaders.DLT_EXCEPTION_MESSAGE)).toBe('tax service unavailable');
    expect(header(dead!, RunnelHeaders.DELIVERY_ATTEMPT)).toBe('3');
    expect(header(dead!, RunnelHeaders.DLT_ORIGINAL_TOPIC)).toBe('invoices');
    expect(header(dead!, RunnelHeaders.DLT_ORIGINAL_PARTITION)).toBe('0');
    expect(header(dead!, RunnelHeaders.DLT_ORIGINAL_OFFSET)).toBe('1');
    expect(header(dead!, RunnelHeaders.DLT_ORIGINAL_CONSUMER_GROUP)).toBe('billing');
  }, 30_000);

  it('does not hold up the partition behind the failing record, and commits past it once dead-lettered', async () => {
    // Other keys of the same partition finished while k1 was still between its tries.
    const order = tries.items.filter((t) => t.startsWith('invoices'));
    expect(order.indexOf('invoices k3 1')).toBeLessThan(order.indexOf('invoices k1 3'));
    expect(order.indexOf('invoices k2 1')).toBeLessThan(order.indexOf('invoices k1 2'));
    const commits = new Recorder<bigint>();
    service.server.on('commit', (c) => {
      for (const o of c.offsets) if (o.topic === 'invoices') commits.push(o.offset);
    });
    // Each turn waits for a commit after the one it read (counted before reading, so a commit that
    // lands while the read is in flight wakes it); a commit that never reaches 4 times the spec out.
    for (;;) {
      const seen = commits.items.length;
      if ((await committedOffsets(broker.bootstrap, 'billing', 'invoices'))[0] === 4n) break;
      await commits.count(seen + 1);
    }
    expect(commits.items.every((offset) => offset <= 4n)).toBe(true);
  }, 30_000);

  it('sends a payload that fails class-validator straight to the dead-letter topic with the violated constraints', async () => {
    const producer = new Runnel({ clientId: 'signup-writer', brokers: [broker.bootstrap] }).producer();
    await producer.connect();
    await producer.send({
      topic: 'signups',
      messages: [
        { key: 'bad', value: JSON.stringify({ email: 'not-an-email', age: 12 }) },
        { key: 'good', value: JSON.stringify({ email: 'ada@example.com', age: 36 }) },
      ],
    });
    await producer.disconnect();
    const [good] = await signups.count(1);
    expect(good).toBeInstanceOf(SignupDto);
    expect(good).toEqual({ email: 'ada@example.com', age: 36 });
    const [dead] = await readRecords(broker.bootstrap, 'signups.dlq', 1);
    expect(header(dead!, RunnelHeaders.DELIVERY_ATTEMPT)).toBe('1');
    expect(header(dead!, RunnelHeaders.DLT_EXCEPTION_FQCN)).toBe('PayloadValidationException');
    expect(header(dead!, RunnelHeaders.DLT_EXCEPTION_MESSAGE)).toBe(
      'payload validation failed: email must be an email; age must not be less than 18',
    );
    expect(JSON.parse(header(dead!, RunnelHeaders.DLT_VALIDATION_ERRORS)!)).toEqual([
      { property: 'email', value: 'not-an-email', constraints: { isEmail: 'email must be an email' } },
      { property: 'age', value: 12, constraints: { min: 'age must not be less than 18' } },
    ]);
    expect(signups.items).toHaveLength(1);
  }, 30_000);

  it('answers a request whose payload fails validation with the violations', async () => {
    const client = new ClientRunnel({ client: { clientId: 'signup-caller', brokers: [broker.bootstrap] } });
    try {
      await expect(lastValueFrom(client.send('signups.check', { email: 'x', age: 30 }))).rejects.toEqual({
        status: 'error',
        name: 'PayloadValidationException',
        message: 'payload validation failed: email must be an email',
        violations: [{ property: 'email', value: 'x', constraints: { isEmail: 'email must be an email' } }],
      });
      await expect(
        lastValueFrom(client.send('signups.check', { email: 'a@b.io', age: 30 })),
      ).resolves.toEqual({
        ok: true,
        email: 'a@b.io',
      });
    } finally {
      await client.close();
    }
  }, 30_000);

  it('with deadLetter false, passes over a record after its last attempt', async () => {
    const other = await startService([AuditController], {
      client: { clientId: 'audit', brokers: [broker.bootstrap] },
      consumer: { groupId: 'unused', ...FAST_CONSUMER },
      subscribe: { fromBeginning: true },
      retry: { attempts: 2, backoffMs: 1 },
      deadLetter: false,
    });
    const events = new Recorder<DeadLetterEvent>();
    other.server.on('dead-letter', (event) => {
      if (event.topic === 'audit-log') events.push(event);
    });
    try {
      await produceNumbered(broker.bootstrap, 'audit-log', 2);
      const [event] = await events.count(1);
      expect(event).toMatchObject({
        groupId: 'audit-no-dlq',
        offset: 0n,
        attempts: 2,
        deadLetterTopic: undefined,
      });
    } finally {
      await other.app.close();
    }
    expect(await committedOffsets(broker.bootstrap, 'audit-no-dlq', 'audit-log')).toEqual([2n]);
  }, 30_000);
});
