import { once } from 'node:events';
import { createServer } from 'node:net';
import { createConsoleApp } from '../src/create-console-app.js';
import { formatBytes } from '../src/pages/byte-size.js';
import { type ConsoleUnderTest, startConsole } from './console-support.js';

async function page(url: string): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

/** The server-rendered pages and assets, read-only mode, and what a page shows when the cluster is not there. */
describe('console pages', () => {
  let t: ConsoleUnderTest;

  beforeAll(async () => {
    t = await startConsole();
    await t.call('POST', '/api/topics', { name: 'shown', partitions: 2, replicationFactor: 1 });
    await t.call('POST', '/api/topics/shown/messages', {
      key: 'k<1>',
      value: '{"total":42}',
      headers: { trace: 'abc' },
    });
  });
  afterAll(() => t.close());

  it('renders the overview, topics, a topic with its latest messages, groups, with live regions', async () => {
    const overview = await page(`${t.console.url}/`);
    expect(overview).toMatchObject({ status: 200, type: expect.stringContaining('text/html') });
    expect(overview.text).toContain('id="overview" data-live');
    expect(overview.text).toContain('Under-replicated partitions');
    const { body: cluster } = await t.call<{ size: number }>('GET', '/api/cluster');
    expect(cluster.size).toBeGreaterThan(0);
    expect(overview.text).toContain(
      `title="${cluster.size.toLocaleString('en-US')} bytes, all replicas"><span>Size on disk</span><b>${formatBytes(cluster.size)}</b>`,
    );
    const topics = await page(`${t.console.url}/topics`);
    expect(topics.text).toContain('href="/topics/shown"');
    expect(topics.text).toContain('Create a topic');
    const topic = await page(`${t.console.url}/topics/shown`);
    expect(topic.text).toContain('id="partitions" data-live');
    const { body: shown } = await t.call<{ size: number }>('GET', '/api/topics/shown');
    expect(shown.size).toBeGreaterThan(0);
    expect(topic.text).toContain(`${formatBytes(shown.size)} on disk.`);
    expect(topic.text).toContain('<th>Size</th>');
    // The key is escaped, the JSON value pretty-printed, the header shown.
    expect(topic.text).toContain('k&lt;1&gt;');
    expect(topic.text).toContain('{\n  &quot;total&quot;: 42\n}');
    expect(topic.text).toContain('<b>trace</b>');
    expect(topic.text).toContain('Delete this topic');
    expect((await page(`${t.console.url}/topics?filter=nothing-like-it`)).text).toContain('No topics match.');
    expect((await page(`${t.console.url}/groups`)).text).toContain('No consumer groups.');
  });

  it('shows a missing topic or group, and a bad browse, as an error in the page', async () => {
    const topic = await page(`${t.console.url}/topics/never-made`);
    expect(topic.status).toBe(200);
    expect(topic.text).toMatch(/<div class="error" role="alert">[^<]*topic &#39;never-made&#39;/);
    const group = await page(`${t.console.url}/groups/nobody`);
    expect(group.text).toContain('group &#39;nobody&#39; does not exist');
    const browse = await page(`${t.console.url}/topics/shown?from=offset&offset=x`);
    expect(browse.text).toContain('offset = &#39;x&#39;: must be a whole number');
    expect(browse.text).toContain('id="partitions" data-live');
  });

  it('serves its script, its stylesheet and uPlot from the app', async () => {
    for (const [path, type] of [
      ['/assets/console.js', 'text/javascript'],
      ['/assets/console.css', 'text/css'],
      ['/assets/uplot/uPlot.iife.min.js', 'text/javascript'],
      ['/assets/uplot/uPlot.min.css', 'text/css'],
    ] as const) {
      const asset = await page(`${t.console.url}${path}`);
      expect(asset).toMatchObject({ status: 200, type: expect.stringContaining(type) });
      expect(asset.text.length).toBeGreaterThan(500);
    }
    expect((await page(`${t.console.url}/assets/uplot/console.js`)).status).toBe(404);
    expect((await page(`${t.console.url}/assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it('--read-only: the API refuses every change (403) and the pages offer none', async () => {
    const readOnly = await createConsoleApp({
      port: 0,
      bootstrapServers: [t.broker.bootstrapServers],
      readOnly: true,
      logger: false,
    });
    try {
      const refused = await fetch(`${readOnly.url}/api/topics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'sneaky', partitions: 1, replicationFactor: 1 }),
      });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { message: string }).message).toBe(
        'POST /api/topics: the console runs with --read-only, which allows no changes',
      );
      for (const [method, path] of [
        ['DELETE', '/api/topics/shown'],
        ['POST', '/api/topics/shown/messages'],
        ['POST', '/api/groups/g/reset-offsets'],
      ]) {
        expect((await fetch(`${readOnly.url}${path}`, { method })).status).toBe(403);
      }
      expect((await t.call('GET', '/api/topics/shown')).status).toBe(200);
      expect((await fetch(`${readOnly.url}/api/topics/shown`)).status).toBe(200);
      const topic = await page(`${readOnly.url}/topics/shown`);
      expect(topic.text).toContain('read-only');
      expect(topic.text).toContain('{\n  &quot;total&quot;: 42\n}');
      expect(topic.text).not.toContain('data-api=');
      expect((await page(`${readOnly.url}/topics`)).text).not.toContain('Create a topic');
    } finally {
      await readOnly.close();
    }
  });

  it('with no broker listening, the API answers 503 naming the broker and the pages show the error', async () => {
    // A port that was free a moment ago: nothing listens there now.
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    server.close();
    await once(server, 'close');
    const down = await createConsoleApp({ port: 0, bootstrapServers: [`127.0.0.1:${port}`], logger: false });
    try {
      const answer = await fetch(`${down.url}/api/cluster`);
      expect(answer.status).toBe(503);
      const body = (await answer.json()) as { message: string };
      expect(body.message).toMatch(/^the cluster cannot be reached: /);
      expect(body.message).toContain(`127.0.0.1:${port}`);
      for (const path of ['/', '/topics', '/groups', '/topics/shown', '/groups/g']) {
        const shown = await page(`${down.url}${path}`);
        expect(shown.status).toBe(200);
        expect(shown.text).toContain('the cluster cannot be reached');
        expect(shown.text).toContain('<nav>');
      }
    } finally {
      await down.close();
    }
  });
});
