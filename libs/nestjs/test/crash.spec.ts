import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import type { RunnelContext } from '../src/index.js';
import { committedOffsets, produceNumbered } from './support/admin.js';
import {
  createTopics,
  FAST_CONSUMER,
  Recorder,
  startService,
  startTestBroker,
  type TestBroker,
} from './support/runnel-test-kit.js';

/** Runs on the built package: `npx nx test @runnel/nestjs` builds it first. */
const CRASH_SERVICE = join(dirname(fileURLToPath(import.meta.url)), 'support', 'crash-service.mjs');
const TOPIC = 'crash-orders';
const GROUP = 'crash-billing';

const redelivered = new Recorder<bigint>();

@Controller()
class RestartedController {
  @EventPattern<string>(TOPIC)
  handle(@Ctx() ctx: RunnelContext): void {
    redelivered.push(ctx.getOffset());
  }
}

/** The child's lines as they come, with a way to await a condition on all seen so far. */
class ChildOutput {
  readonly lines: Record<string, number | boolean>[] = [];
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  constructor(child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      this.lines.push(JSON.parse(line));
      this.waiters = this.waiters.filter((w) => {
        if (!w.test()) return true;
        w.resolve();
        return false;
      });
    });
  }

  values(kind: string): number[] {
    return this.lines.flatMap((line) => (typeof line[kind] === 'number' ? [line[kind] as number] : []));
  }

  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
}

describe('a ServerRunnel process killed with a handler still running', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTopics(broker.bootstrap, [TOPIC], 1);
    await produceNumbered(broker.bootstrap, TOPIC, 10);
  }, 60_000);

  afterAll(async () => {
    await broker?.close();
  });

  it('has committed no further than that record, which the next member reads again', async () => {
    const child = spawn(process.execPath, [CRASH_SERVICE, broker.bootstrap, TOPIC, GROUP, '3'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const output = new ChildOutput(child);
    try {
      // Every record but offset 3 finished, and the periodic commit reached offset 3.
      await output.until(
        () => output.values('finished').length === 9 && output.values('committed').includes(3),
      );
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(output.values('finished')).not.toContain(3);
    expect(Math.max(...output.values('committed'))).toBe(3);
    expect(await committedOffsets(broker.bootstrap, GROUP, TOPIC)).toEqual([3n]);

    // A new member waits out the killed one's session (6 s), then starts at the committed offset.
    const restarted = await startService([RestartedController], {
      client: { clientId: 'crash-restart', brokers: [broker.bootstrap] },
      consumer: { groupId: GROUP, ...FAST_CONSUMER },
      subscribe: { fromBeginning: true },
    });
    try {
      const offsets = await redelivered.count(7);
      expect(offsets[0]).toBe(3n);
      expect([...offsets].sort((a, b) => Number(a - b))).toEqual([3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    } finally {
      await restarted.app.close();
    }
  }, 60_000);
});
