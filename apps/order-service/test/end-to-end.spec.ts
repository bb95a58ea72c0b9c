import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, startBroker } from '@runnel/broker';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, getJson } from './eventually.js';

/**
 * The demo's scenario end to end: the embedded broker, order-service and billing-service as the
 * processes `npm start` runs (their built dist), and `tools/demo/demo.mjs --json` placing 200
 * orders. Mid-run billing-service is killed (SIGKILL: no commit, no LeaveGroup) and started again
 * on the same port; the demo's report and the topics themselves, read by kafkajs, must show that
 * nothing was lost and nothing counted or billed twice. The test target builds both apps first.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Service {
  readonly process: ChildProcess;
  readonly url: string;
  readonly output: string[];
}

/** Starts a service's dist/main.js; resolves once it printed its `listening on` line. */
async function startService(app: 'order-service' | 'billing-service', args: string[]): Promise<Service> {
  const child = spawn(process.execPath, [join(ROOT, `apps/${app}/dist/main.js`), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`${app} exited (${code ?? signal}) before it was ready:\n${output.join('')}`);
  });
  exited.catch(() => undefined);
  const ready = (async () => {
    for await (const line of createInterface({ input: child.stdout! })) {
      output.push(`${line}\n`);
      const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
      if (url) return url;
    }
    throw new Error(`${app} closed its output before it was ready:\n${output.join('')}`);
  })();
  const url = await Promise.race([ready, exited]);
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout!.resume();
  return { process: child, url, output };
}

async function stop(service: Service | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<unknown> {
  if (!service || service.process.exitCode !== null || service.process.signalCode !== null) return undefined;
  const exited = once(service.process, 'exit');
  service.process.kill(signal);
  return (await exited)[0] ?? (await exited)[1];
}

/** A port nothing listens on now, so that a restarted billing-service can take the same one. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

interface DemoReport {
  ok: boolean;
  placed: number;
  retries: number;
  states: Record<string, number>;
  expected: Record<string, number>;
  groups: { group: string; topic: string; eventsSeen: number; records: number; lag: number }[];
  orderingViolations: number;
  checks: { check: string; ok: boolean }[];
}

interface RecordedEvent {
  type: string;
  eventId: string;
  orderId: string;
  seq: number;
  causationId?: string;
}

describe('order-service and billing-service end to end', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let orders: Service | undefined;
  let billing: Service | undefined;

  const dataDir = mkdtempSync(join(tmpdir(), 'services-e2e-'));

  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir,
      logger: false,
      groupInitialRebalanceDelayMs: 0,
    });
    kafka = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    await stop(orders);
    await stop(billing);
    await broker.close();
  });

  /** How many records `topic` holds, by kafkajs's admin. */
  async function recordCount(topic: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  }

  /** Every record of `topic`, read by kafkajs from the start. */
  async function readTopic(topic: string): Promise<RecordedEvent[]> {
    const total = await recordCount(topic);
    const consumer = kafka.consumer({ groupId: `oracle-${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
    const events: RecordedEvent[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
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

  /** Runs `demo.mjs --json` against the services; resolves with its report once it exited 0. */
  async function runDemo(ordersUrl: string, billingUrl: string, seed: number): Promise<DemoReport> {
    const demo = spawn(
      process.execPath,
      [
        join(ROOT, 'tools/demo/demo.mjs'),
        '--json',
        '--orders',
        '200',
        '--seed',
        `${seed}`,
        '--deadline-ms',
        '120000',
        '--bootstrap-server',
        broker.bootstrapServers,
        '--orders-url',
        ordersUrl,
        '--billing-url',
        billingUrl,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const stdout: string[] = [];
    const stderr: string[] = [];
    demo.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
    demo.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const [code] = await once(demo, 'exit');
    expect({ code, stderr: code === 0 ? '' : stderr.join('') }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(stdout.join('').trim().split('\n').at(-1) ?? '{}') as DemoReport;
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    return report;
  }

  /** `step`, which must come while the demo still runs: a demo that ended (or failed) first fails the test at once. */
  function beforeTheDemoEnds<T>(demo: Promise<DemoReport>, step: Promise<T>): Promise<T> {
    const ended = demo.then(() => {
      throw new Error('the demo finished before the restart: the restart would not be mid-run');
    });
    return Promise.race([step, ended]);
  }

  /** The topics themselves: every order event billed exactly once, no event twice; each group saw them all, lag 0. */
  async function expectTopicsAgreeWith(report: DemoReport): Promise<RecordedEvent[]> {
    const orderEvents = await readTopic('orders');
    const billingEvents = await readTopic('billing');
    expect(new Set(orderEvents.map((e) => e.eventId)).size).toBe(orderEvents.length);
    expect(new Set(billingEvents.map((e) => e.eventId)).size).toBe(billingEvents.length);
    expect(billingEvents.map((e) => e.causationId).sort()).toEqual(orderEvents.map((e) => e.eventId).sort());
    for (const { group, topic, eventsSeen, records, lag } of report.groups) {
      const expected = topic === 'orders' ? orderEvents.length : billingEvents.length;
      expect({ group, eventsSeen, records, lag }).toEqual({
        group,
        eventsSeen: expected,
        records: expected,
        lag: 0,
      });
    }
    return orderEvents;
  }

  it('places 200 orders, survives a billing-service kill mid-run, and ends with every event seen once, in order, lag 0', async () => {
    const bootstrap = ['--bootstrap-server', broker.bootstrapServers];
    const billingPort = await freePort();
    billing = await startService('billing-service', ['--port', `${billingPort}`, ...bootstrap]);
    orders = await startService('order-service', ['--port', '0', ...bootstrap]);

    const demo = runDemo(orders.url, billing.url, 10);

    // Mid-run: once billing has audited some events, kill it and start it again on the same port.
    const seenAtKill = await beforeTheDemoEnds(
      demo,
      eventually(async () => {
        const { body } = await getJson<{ eventsSeen: number }>(`${billing!.url}/audit/stats`);
        if (body.eventsSeen < 60) throw new Error(`billing audited ${body.eventsSeen} events so far`);
        // ... and has written billing events of its own, so the restart has a log to rebuild from.
        const written = await recordCount('billing');
        if (written === 0) throw new Error('billing has written no billing event yet');
        return body.eventsSeen;
      }, 60_000),
    );
    await stop(billing, 'SIGKILL');
    billing = await startService('billing-service', ['--port', `${billingPort}`, ...bootstrap]);
    const rebuiltFrom = Number(/rebuilt from (\d+) billing events/.exec(billing.output.join(''))?.[1]);

    const report = await demo;
    expect(report.placed).toBe(200);
    expect(report.states).toEqual(report.expected);
    expect([report.states.created, report.states.paid]).toEqual([0, 0]);
    expect(report.orderingViolations).toBe(0);

    const orderEvents = await expectTopicsAgreeWith(report);
    expect(orderEvents.length).toBeGreaterThan(seenAtKill);
    expect(rebuiltFrom).toBeGreaterThan(0);
  }, 180_000);

  it('places 200 more orders across a broker restart mid-run, losing and doubling nothing', async () => {
    const { port } = broker;
    const demo = runDemo(orders!.url, billing!.url, 11);
    const before = (await readTopic('orders')).length;
    await beforeTheDemoEnds(
      demo,
      eventually(async () => {
        const { body } = await getJson<{ eventsSeen: number }>(`${billing!.url}/audit/stats`);
        if (body.eventsSeen < before + 60)
          throw new Error(`billing audited ${body.eventsSeen - before} new events`);
      }, 60_000),
    );
    await broker.close();
    broker = await startBroker({
      port,
      httpPort: -1,
      dataDir,
      logger: false,
      groupInitialRebalanceDelayMs: 0,
    });

    const report = await demo;
    expect(report.placed).toBe(200);
    expect(report.states).toEqual(report.expected);
    expect(report.orderingViolations).toBe(0);
    expect((await expectTopicsAgreeWith(report)).length).toBeGreaterThan(before + 200);
  }, 180_000);
});
