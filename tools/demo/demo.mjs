#!/usr/bin/env node
// `npm run demo [-- --billing-instances 2] [--orders 200] [--seed 1] [--json]`
//
// Against a running `npm start` (or its own broker and services when nothing listens on the
// bootstrap server): places orders concurrently with random pays and cancels, waits for every
// order's end state and for every group to have read everything, then prints what it proves:
// orders by state, events seen by each group against the records in its topic, per-key ordering
// violations (0), and consumer lag per group (0). Exit 0 when every check holds, 1 otherwise.
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runnel } from '@runnel/client';
import {
  awaitEndState,
  EXPECTED_STATE,
  getJson,
  placeOrders,
  STATES,
  seededRandom,
  waitFor,
} from './scenario.mjs';
import { Stack, startStack } from './stack.mjs';

const USAGE = `usage: npm run demo -- [--orders 200] [--billing-instances 1] [--seed <n>] [--json]
       [--bootstrap-server 127.0.0.1:9092] [--orders-url http://127.0.0.1:3000] [--billing-url http://127.0.0.1:3001 ...]
       [--deadline-ms 120000]`;

/** The groups the demo checks: each reads one topic. */
const GROUPS = [
  { group: 'order-service', topic: 'billing', seenBy: 'orders' },
  { group: 'billing-service', topic: 'orders', seenBy: 'billing' },
  { group: 'billing-audit', topic: 'orders', seenBy: 'billing' },
];

function parseArgs(argv) {
  const options = {
    orders: 200,
    billingInstances: 1,
    seed: Date.now() % 100_000,
    json: false,
    bootstrapServer: '127.0.0.1:9092',
    ordersUrl: 'http://127.0.0.1:3000',
    billingUrls: [],
    deadlineMs: 120_000,
  };
  const whole = (flag, value, min, max) => {
    const n = Number(value);
    if (!/^\d+$/.test(value ?? '') || n < min || n > max)
      fail(`${flag} ${value}: must be a whole number from ${min} to ${max}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    if (flag === '--orders') options.orders = whole(flag, value(), 1, 100_000);
    else if (flag === '--billing-instances') options.billingInstances = whole(flag, value(), 1, 16);
    else if (flag === '--seed') options.seed = whole(flag, value(), 0, 2 ** 32 - 1);
    else if (flag === '--deadline-ms') options.deadlineMs = whole(flag, value(), 1_000, 3_600_000);
    else if (flag === '--json') options.json = true;
    else if (flag === '--bootstrap-server') options.bootstrapServer = value();
    else if (flag === '--orders-url') options.ordersUrl = value();
    else if (flag === '--billing-url') options.billingUrls.push(value());
    else fail(`unknown option ${flag}\n${USAGE}`);
  }
  if (options.billingUrls.length === 0) options.billingUrls.push('http://127.0.0.1:3001');
  return options;
}

function fail(message) {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(2);
}

/** Whether something accepts TCP connections at `host:port`. */
function listening(address) {
  const at = address.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({
      host: address.slice(0, at).replace(/^\[|\]$/g, ''),
      port: Number(address.slice(at + 1)),
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Quiet children: their output is kept for a failure report instead of filling the table. */
function sink() {
  const lines = [];
  return { lines, write: (line) => lines.push(line) };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const say = options.json ? () => undefined : (line) => process.stdout.write(`${line}\n`);
  const logs = sink();
  const stack = new Stack();
  let own = false;
  try {
    if (await listening(options.bootstrapServer)) {
      stack.bootstrapServer = options.bootstrapServer;
      stack.ordersUrl = options.ordersUrl;
      stack.billingUrls.push(...options.billingUrls);
      const extra = options.billingInstances - options.billingUrls.length;
      if (extra > 0) {
        say(`Starting ${extra} more billing-service instance(s) against ${options.bootstrapServer}...`);
        const first = Number(new URL(options.billingUrls.at(-1)).port) + 1;
        await Promise.all(
          Array.from(
            { length: extra },
            (_, i) => stack.addBilling(first + i, { out: logs, err: logs }).ready,
          ),
        );
      }
    } else {
      own = true;
      const dataDir = mkdtempSync(join(tmpdir(), 'runnel-demo-'));
      say(
        `Nothing listens on ${options.bootstrapServer}: starting a broker and the services (data in ${dataDir})...`,
      );
      await startStack(
        {
          billingInstances: options.billingInstances,
          env: { ...process.env, RUNNEL_DATA_DIR: dataDir },
          out: logs,
          err: logs,
        },
        stack,
      );
    }
    const report = await run(options, stack, say);
    if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else printReport(report, say);
    process.exitCode = report.ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`demo failed: ${error.message}\n`);
    if (logs.lines.length > 0)
      process.stderr.write(`output of the processes it started:\n${logs.lines.join('')}`);
    process.exitCode = 1;
  } finally {
    // Stops what the demo started: its own stack, or the extra billing instances.
    if (own || stack.children.length > 0) await stack.stop();
  }
}

async function run(options, stack, say) {
  const { deadlineMs } = options;
  const runnel = new Runnel({ clientId: 'demo', brokers: [stack.bootstrapServer] });
  const admin = runnel.admin();
  await admin.connect();
  try {
    // Every billing instance has joined and the groups' partitions are shared out before orders start.
    const partitionsShared = async () => {
      const healths = await Promise.all(stack.billingUrls.map((url) => getJson(`${url}/health`)));
      for (const group of ['billing-service', 'billing-audit']) {
        const owned = healths.flatMap((h) => h.groups[group].partitions);
        if (owned.length !== new Set(owned).size || owned.length === 0) return undefined;
        if (owned.length !== (await admin.fetchTopicOffsets('orders')).length) return undefined;
      }
      return healths;
    };
    await waitFor(
      partitionsShared,
      deadlineMs,
      'the billing instances did not share the partitions of orders',
    );

    say(`Placing ${options.orders} orders (seed ${options.seed}) on ${stack.ordersUrl}...`);
    const started = Date.now();
    const placed = await placeOrders({
      ordersUrl: stack.ordersUrl,
      count: options.orders,
      random: seededRandom(options.seed),
      retryForMs: deadlineMs,
    });
    const placedMs = Date.now() - started;
    say(`Placed in ${placedMs} ms; waiting for every order's end state and for the groups to catch up...`);
    const states = await awaitEndState({ ordersUrl: stack.ordersUrl, orders: placed.orders, deadlineMs });

    const expected = Object.fromEntries(STATES.map((s) => [s, 0]));
    for (const { action } of placed.orders) expected[EXPECTED_STATE[action]] += 1;
    let groups;
    let instances;
    let violations;
    const settled = async () => {
      const orderHealth = await getJson(`${stack.ordersUrl}/health`);
      const billing = await Promise.all(
        stack.billingUrls.map(async (url) => ({
          url,
          health: await getJson(`${url}/health`),
          audit: await getJson(`${url}/audit/stats`),
        })),
      );
      instances = billing.map(({ url, health }) => ({
        url,
        partitions: Object.fromEntries(
          Object.entries(health.groups).map(([g, { partitions }]) => [g, partitions]),
        ),
      }));
      violations = billing.reduce((sum, { audit }) => sum + audit.orderingViolations, 0);
      groups = [];
      for (const { group, topic, seenBy } of GROUPS) {
        const offsets = await admin.fetchTopicOffsets(topic);
        const records = offsets.reduce((sum, { high, low }) => sum + Number(high - low), 0);
        const committed =
          (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]?.partitions ?? [];
        const lag = committed.reduce((sum, p) => sum + Number(p.lag ?? p.logEndOffset), 0);
        const eventsSeen =
          seenBy === 'orders'
            ? orderHealth.groups[group].eventsSeen
            : billing.reduce((sum, { health }) => sum + health.groups[group].eventsSeen, 0);
        groups.push({ group, topic, eventsSeen, records, lag });
      }
      return groups.every((g) => g.lag === 0 && g.eventsSeen === g.records) ? groups : undefined;
    };
    const caughtUp = await waitFor(
      settled,
      deadlineMs,
      () => `the groups did not catch up: ${JSON.stringify(groups)}`,
    ).then(
      () => true,
      () => false,
    );
    const checks = [
      {
        check: 'every order reached the state its actions lead to',
        ok: STATES.every((s) => states[s] === expected[s]),
      },
      {
        check: 'each group saw every event of its topic, once',
        ok: caughtUp && groups.every((g) => g.eventsSeen === g.records),
      },
      { check: 'no per-key ordering violation', ok: violations === 0 },
      { check: 'consumer lag 0 for every group', ok: caughtUp && groups.every((g) => g.lag === 0) },
    ];
    return {
      ok: checks.every((c) => c.ok),
      seed: options.seed,
      placed: placed.orders.length,
      placedMs,
      retries: placed.retries,
      actions: Object.fromEntries(
        ['pay', 'cancel', 'none'].map((a) => [a, placed.orders.filter((o) => o.action === a).length]),
      ),
      states,
      expected,
      groups,
      orderingViolations: violations,
      instances,
      checks,
    };
  } finally {
    await admin.disconnect();
  }
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
      .join('   '),
  );
}

function printReport(report, say) {
  say('');
  say(
    `${report.placed} orders placed in ${report.placedMs} ms (${report.actions.pay} paid, ${report.actions.cancel} cancelled, ${report.actions.none} left to be invoiced; seed ${report.seed}${report.retries ? `; ${report.retries} placements retried after a 503` : ''})`,
  );
  say('');
  for (const line of table([
    ['orders by state', 'count', 'expected'],
    ...STATES.map((s) => [s, report.states[s], report.expected[s]]),
  ]))
    say(`  ${line}`);
  say('');
  for (const line of table([
    ['group', 'topic', 'events seen', 'records in topic', 'lag'],
    ...report.groups.map((g) => [g.group, g.topic, g.eventsSeen, g.records, g.lag]),
  ]))
    say(`  ${line}`);
  say('');
  say(`  per-key ordering violations: ${report.orderingViolations}`);
  say('');
  say('  billing-service instances and the partitions of orders each owns:');
  for (const { url, partitions } of report.instances) {
    say(
      `    ${url}   billing-service [${partitions['billing-service'].join(', ')}]   billing-audit [${partitions['billing-audit'].join(', ')}]`,
    );
  }
  say('');
  for (const { check, ok } of report.checks) say(`  ${ok ? 'ok  ' : 'FAIL'}  ${check}`);
}

await main();
