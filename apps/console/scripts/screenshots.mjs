#!/usr/bin/env node
// Screenshots of the console's main pages for its README, into docs/console/: the built console
// (dist/main.js, `npx nx build @runnel/console` first) against an embedded broker seeded with
// topics, records and groups, driven by Debian's chromium.
//
//   node apps/console/scripts/screenshots.mjs [outDir]     (default: docs/console)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startBroker } from '@runnel/broker';
import { Runnel } from '@runnel/client';
import { chromium } from 'playwright-core';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(process.argv[2] ?? join(APP, '../../docs/console'));
const pause = (ms) => new Promise((done) => setTimeout(done, ms));

async function seed(runnel) {
  const admin = runnel.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'orders', numPartitions: 6, configEntries: [{ name: 'retention.ms', value: '604800000' }] },
      { topic: 'billing', numPartitions: 6 },
      {
        topic: 'payments.raw',
        numPartitions: 3,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      },
    ],
  });
  const producer = runnel.producer({ lingerMs: 5 });
  await producer.connect();
  const orders = Array.from({ length: 600 }, (_, i) => ({
    key: `order-${i % 40}`,
    value: JSON.stringify({
      type: 'OrderCreated',
      orderId: `order-${i % 40}`,
      seq: i,
      total: (i * 7.5) % 300,
    }),
    headers: { source: 'web', 'trace-id': `t-${(i * 2654435761) % 1e8}` },
  }));
  await producer.send({ topic: 'orders', messages: orders });
  await producer.send({
    topic: 'billing',
    messages: Array.from({ length: 120 }, (_, i) => ({
      key: `order-${i % 40}`,
      value: JSON.stringify({ type: 'InvoiceIssued', orderId: `order-${i % 40}`, amount: i * 3 }),
    })),
  });
  await producer.send({
    topic: 'payments.raw',
    messages: Array.from({ length: 30 }, (_, i) => ({
      key: `card-${i}`,
      value: Buffer.from([0xca, 0xfe, i, 0x00, 0xff]),
    })),
  });
  await producer.disconnect();
  await admin.disconnect();
}

/** A group that reads everything and keeps up, and one that reads slowly so its lag falls over the chart. */
async function startGroups(runnel) {
  const billing = runnel.consumer({ groupId: 'billing-service', autoCommitIntervalMs: 200 });
  await billing.connect();
  await billing.subscribe({ topics: ['orders'], fromBeginning: true });
  await billing.run({ eachMessage: async () => undefined });
  const reports = runnel.consumer({ groupId: 'reports', autoCommitIntervalMs: 200 });
  await reports.connect();
  await reports.subscribe({ topics: ['orders', 'billing'], fromBeginning: true });
  await reports.run({ eachMessage: () => pause(12) });
  return [billing, reports];
}

async function startConsole(bootstrapServer) {
  const child = spawn(
    process.execPath,
    [
      join(APP, 'dist/main.js'),
      '--port',
      '0',
      '--bootstrap-server',
      bootstrapServer,
      '--lag-sample-ms',
      '500',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  for await (const line of createInterface({ input: child.stdout })) {
    const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
    if (url) {
      child.stdout.resume();
      return { child, url };
    }
  }
  throw new Error('the console exited before it was listening');
}

const dataDir = mkdtempSync(join(tmpdir(), 'console-screenshots-'));
const broker = await startBroker({
  port: 0,
  httpPort: -1,
  dataDir,
  logger: false,
  groupInitialRebalanceDelayMs: 0,
});
const runnel = new Runnel({ clientId: 'screenshots', brokers: [broker.bootstrapServers] });
const { child, url } = await startConsole(broker.bootstrapServers);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
try {
  await seed(runnel);
  const consumers = await startGroups(runnel);
  mkdirSync(OUT, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const shot = async (path, name, ready) => {
    await page.goto(`${url}${path}`);
    if (ready) await page.locator(ready).first().waitFor();
    await page.screenshot({ path: join(OUT, name), fullPage: true });
    process.stdout.write(`${join(OUT, name)}\n`);
  };
  // Let the slow group's lag be sampled a few times while it falls.
  await page.goto(`${url}/groups/reports`);
  await page.locator('[data-lag-chart][data-ready] canvas').first().waitFor({ timeout: 20_000 });
  await pause(8_000);
  await shot('/groups/reports', 'group.png', '[data-lag-chart][data-ready] canvas');
  await shot('/groups', 'groups.png', '[data-lag-chart=""][data-ready] canvas');
  await shot('/', 'overview.png', '.stats');
  await shot('/topics', 'topics.png', 'tr[data-name]');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(`${url}/topics/orders?limit=8`);
  await page.screenshot({ path: join(OUT, 'topic.png') });
  process.stdout.write(`${join(OUT, 'topic.png')}\n`);
  await shot('/topics/payments.raw?from=earliest&limit=5', 'messages-binary.png', 'table.messages');
  for (const consumer of consumers) await consumer.disconnect();
} finally {
  await browser.close();
  child.kill('SIGTERM');
  await broker.close();
  rmSync(dataDir, { recursive: true, force: true });
}
