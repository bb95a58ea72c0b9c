import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Runnel } from '@runnel/client';
import { type ConsoleUnderTest, startConsole } from './console-support.js';

/** Bytes of the `.log` files of the partition directories under `dataDir` that `pick` chooses. */
function logFileBytes(dataDir: string, pick: (partitionDir: string) => boolean): number {
  return readdirSync(dataDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && pick(entry.name))
    .flatMap((entry) =>
      readdirSync(join(dataDir, entry.name))
        .filter((name) => name.endsWith('.log'))
        .map((name) => statSync(join(dataDir, entry.name, name)).size),
    )
    .reduce((a, b) => a + b, 0);
}

/** The cluster, topic and message endpoints of the JSON API against the embedded broker. */
describe('console API: cluster, topics, messages', () => {
  let t: ConsoleUnderTest;
  let runnel: Runnel;

  beforeAll(async () => {
    t = await startConsole();
    runnel = new Runnel({ clientId: 'console-spec', brokers: [t.broker.bootstrapServers] });
  });
  afterAll(() => t.close());

  it('GET /api/cluster: cluster id, brokers, controller and totals', async () => {
    await t.call('POST', '/api/topics', { name: 'overview-a', partitions: 2, replicationFactor: 1 });
    await t.call('POST', '/api/topics/overview-a/messages', { key: 'k', value: 'v' });
    const { status, body } = await t.call<Record<string, unknown>>('GET', '/api/cluster');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      clusterId: expect.any(String),
      controller: 1,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: t.broker.port }],
      underReplicated: 0,
      offline: 0,
      size: logFileBytes(t.dataDir, () => true),
    });
    expect(body.size).toBeGreaterThan(0);
    expect(body.topics).toBeGreaterThanOrEqual(1);
    expect(body.partitions).toBeGreaterThanOrEqual(2);
    expect(body.messages).toBeGreaterThanOrEqual(1);
  });

  it('POST /api/topics creates with partitions and configs; GET shows partitions and config sources', async () => {
    const created = await t.call<{ name: string; partitions: number }>('POST', '/api/topics', {
      name: 'payments',
      partitions: 3,
      replicationFactor: 1,
      configs: { 'retention.ms': '3600000' },
    });
    expect(created).toMatchObject({ status: 201, body: { name: 'payments', partitions: 3 } });
    const { body } = await t.call<{
      partitionList: {
        partition: number;
        leader: number;
        replicas: number[];
        isr: number[];
        latestOffset: string;
      }[];
      configs: { name: string; value: string; source: string }[];
    }>('GET', '/api/topics/payments');
    expect(body.partitionList).toEqual(
      [0, 1, 2].map((partition) =>
        expect.objectContaining({
          partition,
          leader: 1,
          replicas: [1],
          isr: [1],
          earliestOffset: '0',
          latestOffset: '0',
        }),
      ),
    );
    expect(body.configs).toContainEqual(
      expect.objectContaining({ name: 'retention.ms', value: '3600000', source: 'TOPIC_CONFIG' }),
    );
    expect(body.configs.find((c) => c.name === 'cleanup.policy')?.source).not.toBe('TOPIC_CONFIG');
  });

  it('POST /api/topics refuses a taken name (409), a bad name or count (400) and a replication factor above the brokers (400)', async () => {
    await t.call('POST', '/api/topics', { name: 'taken', partitions: 1, replicationFactor: 1 });
    expect(
      await t.call('POST', '/api/topics', { name: 'taken', partitions: 1, replicationFactor: 1 }),
    ).toMatchObject({
      status: 409,
      body: { message: "topic 'taken' already exists" },
    });
    const bad = await t.call<{ message: string[] }>('POST', '/api/topics', {
      name: 'a b',
      partitions: 0,
      replicationFactor: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(
      expect.arrayContaining([expect.stringContaining('name must be'), 'partitions must not be less than 1']),
    );
    const rf = await t.call<{ error: string; message: string }>('POST', '/api/topics', {
      name: 'rf',
      partitions: 1,
      replicationFactor: 3,
    });
    expect(rf).toMatchObject({ status: 400, body: { error: 'INVALID_REPLICATION_FACTOR' } });
    expect(rf.body.message).toContain("topic 'rf'");
    const config = await t.call('POST', '/api/topics', {
      name: 'cfg',
      partitions: 1,
      replicationFactor: 1,
      configs: { 'retention.ms': 5 },
    });
    expect(config).toMatchObject({ status: 400, body: { message: "'retention.ms' = 5: must be a string" } });
  });

  it('GET /api/topics lists topics with partitions and messages, filtered by name', async () => {
    await t.call('POST', '/api/topics', { name: 'filter-orders', partitions: 2, replicationFactor: 1 });
    await t.call('POST', '/api/topics', { name: 'filter-invoices', partitions: 1, replicationFactor: 1 });
    const { body } = await t.call<{ name: string; partitions: number; replicationFactor: number }[]>(
      'GET',
      '/api/topics?filter=FILTER-',
    );
    expect(body.map((topic) => topic.name)).toEqual(['filter-invoices', 'filter-orders']);
    expect(body[1]).toMatchObject({ partitions: 2, replicationFactor: 1, messages: 0, underReplicated: 0 });
  });

  it('GET /api/topics and /api/topics/:name give the size on disk of each topic and partition, as the files have it', async () => {
    await t.call('POST', '/api/topics', { name: 'sized', partitions: 2, replicationFactor: 1 });
    await t.call('POST', '/api/topics/sized/messages', { value: 'x'.repeat(3000), partition: 1 });
    const files = (partition: number) => logFileBytes(t.dataDir, (dir) => dir === `sized-${partition}`);
    expect(files(1)).toBeGreaterThan(3000);
    const listed = await t.call<{ name: string; size: number }[]>('GET', '/api/topics?filter=sized');
    expect(listed.body).toEqual([expect.objectContaining({ name: 'sized', size: files(0) + files(1) })]);
    const { body } = await t.call<{ size: number; partitionList: { partition: number; size: number }[] }>(
      'GET',
      '/api/topics/sized',
    );
    expect(body.size).toBe(files(0) + files(1));
    expect(body.partitionList.map((p) => [p.partition, p.size])).toEqual([
      [0, 0],
      [1, files(1)],
    ]);
  });

  describe('messages', () => {
    const topic = 'browse';
    // CreateTimes a second apart, so "newest first" and "from a time" have one right answer
    // (records produced in the same millisecond on two partitions have no order between them).
    const base = Date.now() - 60_000;
    const sentAt = base + 9_500;

    beforeAll(async () => {
      await t.call('POST', '/api/topics', { name: topic, partitions: 2, replicationFactor: 1 });
      const producer = runnel.producer({ lingerMs: 0 });
      await producer.connect();
      for (let i = 0; i < 10; i++) {
        await producer.send({
          topic,
          messages: [
            { key: `k${i}`, value: JSON.stringify({ n: i }), partition: i % 2, timestamp: base + i * 1_000 },
          ],
        });
      }
      await producer.send({
        topic,
        messages: [
          { key: null, value: Buffer.from([0xde, 0xad, 0xbe, 0xef]), partition: 0, timestamp: base + 10_000 },
        ],
      });
      await producer.disconnect();
    });

    interface Shown {
      partition: number;
      offset: string;
      timestamp: number;
      key: { kind: string; text?: string } | null;
      value: { kind: string; text?: string; hex?: string };
      headers: { key: string; value: { text: string } }[];
    }
    const browse = (query: string) =>
      t.call<{ messages: Shown[]; scanned: number; complete: boolean }>(
        'GET',
        `/api/topics/${topic}/messages${query}`,
      );

    it('shows the latest messages without any query, newest first, JSON pretty-printed and binary as hex', async () => {
      const { status, body } = await browse('');
      expect(status).toBe(200);
      expect(body.complete).toBe(true);
      expect(body.messages).toHaveLength(11);
      expect(body.messages[0]).toMatchObject({
        partition: 0,
        offset: '5',
        key: null,
        value: { kind: 'binary', hex: 'de ad be ef' },
      });
      expect(body.messages[1]).toMatchObject({
        key: { kind: 'text', text: 'k9' },
        value: { kind: 'json', text: '{\n  "n": 9\n}' },
      });
      const limited = await browse('?limit=3');
      expect(limited.body.messages.map((m) => m.key?.text ?? null)).toEqual([null, 'k9', 'k8']);
    });

    it('browses from the beginning, an offset, a time, on one partition', async () => {
      const earliest = await browse('?from=earliest&partition=1&limit=2');
      expect(earliest.body.messages.map((m) => [m.partition, m.offset, m.key?.text])).toEqual([
        [1, '0', 'k1'],
        [1, '1', 'k3'],
      ]);
      const offset = await browse('?from=offset&offset=3&partition=0');
      expect(offset.body.messages.map((m) => m.offset)).toEqual(['3', '4', '5']);
      const time = await browse(`?from=timestamp&timestamp=${new Date(sentAt).toISOString()}`);
      expect(time.body.messages.map((m) => [m.timestamp - base, m.value.kind])).toEqual([[10_000, 'binary']]);
    });

    it('filters on key, value and header text', async () => {
      const { body } = await browse('?filter=%22n%22%3A%207');
      expect(body.messages.map((m) => m.key?.text)).toEqual(['k7']);
      expect(body.scanned).toBe(11);
      expect((await browse('?filter=ad%20be')).body.messages).toHaveLength(1);
    });

    it('refuses a bad query naming the field, the value and the limit; 404 for a missing partition', async () => {
      expect(await browse('?from=middle')).toMatchObject({
        status: 400,
        body: { message: "from = 'middle': must be one of latest, earliest, offset, timestamp" },
      });
      expect(await browse('?limit=501')).toMatchObject({
        status: 400,
        body: { message: "limit = '501': must be a whole number from 0 to 500" },
      });
      expect(await browse('?from=offset')).toMatchObject({ status: 400 });
      expect(await browse('?partition=7')).toMatchObject({
        status: 404,
        body: { message: "topic 'browse' has no partition 7 (it has 2)" },
      });
    });

    it('POST /api/topics/:name/messages produces with a key and headers, and the message can be read back', async () => {
      const sent = await t.call<{ partition: number; offset: string }>(
        'POST',
        `/api/topics/${topic}/messages`,
        {
          key: 'produced-key',
          value: 'hello from the console',
          headers: { source: 'spec' },
          partition: 1,
        },
      );
      expect(sent).toMatchObject({ status: 201, body: { partition: 1, offset: '5' } });
      const { body } = await browse('?limit=1');
      expect(body.messages[0]).toMatchObject({
        partition: 1,
        offset: '5',
        key: { text: 'produced-key' },
        value: { kind: 'text', text: 'hello from the console' },
        headers: [{ key: 'source', value: { text: 'spec' } }],
      });
      expect(await t.call('POST', `/api/topics/${topic}/messages`, { key: 'k' })).toMatchObject({
        status: 400,
      });
    });
  });

  it('DELETE /api/topics/:name deletes; the topic is then 404 everywhere', async () => {
    await t.call('POST', '/api/topics', { name: 'doomed', partitions: 1, replicationFactor: 1 });
    expect(await t.call('DELETE', '/api/topics/doomed')).toEqual({ status: 204, body: null });
    const gone = await t.call<{ error: string; message: string }>('GET', '/api/topics/doomed');
    expect(gone).toMatchObject({ status: 404, body: { error: 'TopicNotFoundError' } });
    expect(gone.body.message).toContain("topic 'doomed'");
    expect(await t.call('GET', '/api/topics/doomed/messages')).toMatchObject({ status: 404 });
    expect(await t.call('POST', '/api/topics/doomed/messages', { value: 'x' })).toMatchObject({
      status: 404,
    });
    expect(await t.call('DELETE', '/api/topics/doomed')).toMatchObject({ status: 404 });
  });
});
