// How long the console takes to answer what a user asks most, beside the same reads done by
// @runnel/client directly in this process (the floor the console stands on). Needs a build first
// (`npx nx run-many -t build -p @runnel/broker @runnel/console`): the built broker and the built
// console (apps/console/dist/main.js) each run in a child process on a fresh data directory.
// Prints one JSON line per figure: {"bench": name, "value": n, "unit": u}; times are medians of
// ROUNDS after WARMUP_ROUNDS (fewer left the first figure measured after a browse twice as slow).
//
// - browse: `GET /api/topics/orders/messages` (the 50 newest records of a topic of 6 partitions
//   holding RECORDS JSON records of ~100 bytes), against a client that does the same: ListOffsets,
//   then a consumer in assign mode reading each partition's last 50 records up to its high watermark.
// - groups: `GET /api/groups` and the page `GET /groups` with GROUPS groups that committed offsets on
//   the topic, against the client's listGroups + describeGroups + fetchOffsets for each.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BrokerProcess } from '@runnel/broker/testing';
import { Runnel } from '@runnel/client';

const RECORDS = 60_000;
const PARTITIONS = 6;
const GROUPS = 20;
const LIMIT = 50;
const ROUNDS = 21;
const WARMUP_ROUNDS = 10;
const MAIN = join(dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

const emit = (bench, value, unit) =>
  process.stdout.write(`${JSON.stringify({ bench, value: Number(value.toFixed(3)), unit })}\n`);

async function median(work) {
  const times = [];
  for (let i = 0; i < ROUNDS + WARMUP_ROUNDS; i++) {
    const start = process.hrtime.bigint();
    await work();
    if (i >= WARMUP_ROUNDS) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

async function startConsole(bootstrapServer) {
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--bootstrap-server', bootstrapServer], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.on('exit', () => child.kill('SIGKILL'));
  for await (const line of createInterface({ input: child.stdout })) {
    const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
    if (url) {
      child.stdout.resume();
      return { child, url };
    }
  }
  throw new Error('the console exited before it was listening');
}

/** What the console's browse does, by the client alone: the newest LIMIT records of each partition. */
async function clientBrowse(runnel, admin) {
  const { topics } = await admin.describeTopics({ topics: ['orders'] });
  const stops = new Map(topics[0].partitions.map((p) => [p.partition, p.latestOffset]));
  const consumer = runnel.consumer({ maxWaitMs: 10, isolationLevel: 'read_uncommitted' });
  await consumer.connect();
  let read = 0;
  await new Promise((done) => {
    consumer.assign(
      topics[0].partitions.map((p) => ({
        topic: 'orders',
        partition: p.partition,
        offset: p.latestOffset - BigInt(LIMIT),
      })),
    );
    consumer.run({
      eachBatch: async ({ batch }) => {
        read += batch.messages.filter((m) => m.offset < stops.get(batch.partition)).length;
        if (batch.lastOffset() >= stops.get(batch.partition) - 1n) stops.delete(batch.partition);
        if (stops.size === 0) done();
      },
    });
  });
  await consumer.disconnect();
  if (read < LIMIT * PARTITIONS) throw new Error(`client browse read ${read} records`);
}

async function clientGroups(admin) {
  const { groups } = await admin.listGroups();
  const ids = groups.map((g) => g.groupId);
  await Promise.all([admin.describeGroups(ids), ...ids.map((groupId) => admin.fetchOffsets({ groupId }))]);
}

const dataDir = mkdtempSync(join(tmpdir(), 'console-bench-'));
const broker = await BrokerProcess.start(dataDir);
let console_;
try {
  const runnel = new Runnel({ clientId: 'console-bench', brokers: [broker.bootstrapServers] });
  const admin = runnel.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: PARTITIONS }] });
  const producer = runnel.producer({ lingerMs: 5 });
  await producer.connect();
  for (let sent = 0; sent < RECORDS; sent += 1_000) {
    await producer.send({
      topic: 'orders',
      messages: Array.from({ length: 1_000 }, (_, i) => ({
        key: `order-${(sent + i) % 500}`,
        value: JSON.stringify({ type: 'OrderCreated', seq: sent + i, total: 42.5, customer: 'c-0001' }),
      })),
    });
  }
  await producer.disconnect();
  const partitions = Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, offset: 100 }));
  for (let g = 0; g < GROUPS; g++)
    await admin.setOffsets({ groupId: `group-${g}`, topic: 'orders', partitions });

  console_ = await startConsole(broker.bootstrapServers);
  const get = async (path) => {
    const response = await fetch(`${console_.url}${path}`);
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.text();
  };
  const shown = JSON.parse(await get(`/api/topics/orders/messages?limit=${LIMIT}`));
  if (shown.messages.length !== LIMIT || shown.messages[0].value.kind !== 'json')
    throw new Error('browse answered wrongly');

  const browse = await median(() => get(`/api/topics/orders/messages?limit=${LIMIT}`));
  const browseClient = await median(() => clientBrowse(runnel, admin));
  emit('console.browse.latest50.ms', browse, 'ms');
  emit('console.browse.client-baseline.ms', browseClient, 'ms');
  emit('console.browse.ratio', browse / browseClient, 'x');
  const groups = await median(() => get('/api/groups'));
  const groupsPage = await median(() => get('/groups'));
  const groupsClient = await median(() => clientGroups(admin));
  emit('console.groups.api.ms', groups, 'ms');
  emit('console.groups.page.ms', groupsPage, 'ms');
  emit('console.groups.client-baseline.ms', groupsClient, 'ms');
  emit('console.groups.ratio', groups / groupsClient, 'x');
  await admin.disconnect();
} finally {
  console_?.child.kill('SIGTERM');
  await broker.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
