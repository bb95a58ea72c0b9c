import { jest } from '@jest/globals';
import { type Consumer, Runnel } from '@runnel/client';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type ConsoleUnderTest, startConsole } from './console-support.js';

/**
 * The console in Debian's chromium, as a user drives it: create a topic, produce, see the message,
 * watch a group's lag fall to 0 while it consumes, reset its offsets with a dry run first, delete
 * the topic. Every wait is on the page (the live regions refresh every 3 s), none a fixed sleep.
 */
jest.setTimeout(60_000);

describe('console in a browser', () => {
  let t: ConsoleUnderTest;
  let browser: Browser;
  let page: Page;
  let runnel: Runnel;
  let consumer: Consumer | undefined;
  const topic = 'browser-orders';
  const groupId = 'browser-billing';

  beforeAll(async () => {
    t = await startConsole();
    runnel = new Runnel({ clientId: 'console-browser-spec', brokers: [t.broker.bootstrapServers] });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20_000);
  }, 60_000);

  afterAll(async () => {
    await consumer?.disconnect();
    await browser?.close();
    await t.close();
  });

  it('creates a topic with a config from the topics page', async () => {
    await page.goto(`${t.console.url}/topics`);
    await page.click('summary:has-text("Create a topic")');
    await page.fill('input[name="name"]', topic);
    await page.fill('input[name="partitions"]', '2');
    await page.fill('textarea[name="configs"]', 'retention.ms=600000');
    await page.click('button:has-text("Create topic")');
    await page.click(`a[href="/topics/${topic}"]`);
    await page.locator('#partitions tbody tr').nth(1).waitFor();
    expect(await page.locator('#partitions tbody tr').count()).toBe(2);
    expect(await page.locator('tr.set td').allTextContents()).toEqual([
      'retention.ms',
      '600000',
      'TOPIC_CONFIG',
    ]);
  });

  it('produces a message with a key and headers and shows it, JSON pretty-printed', async () => {
    await page.click('summary:has-text("Produce a message")');
    await page.fill('input[name="key"]', 'order-1');
    await page.fill('textarea[name="value"]', '{"orderId":"order-1","total":42}');
    await page.fill('textarea[name="headers"]', 'source=browser');
    await page.click('button:has-text("Produce")');
    const row = page.locator('table.messages tbody tr').first();
    await row.locator('pre.json').waitFor();
    expect(await row.locator('pre.json').textContent()).toBe('{\n  "orderId": "order-1",\n  "total": 42\n}');
    expect(await row.locator('td').nth(3).textContent()).toBe('order-1');
    expect(await row.locator('td.headers').textContent()).toBe('source: browser');
  });

  it('shows a lagging group in two clicks, then its lag falling to 0 while it consumes', async () => {
    const producer = runnel.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    });
    await producer.disconnect();
    // The group starts at the beginning with nothing read: 21 behind.
    await t.call('POST', `/api/groups/${groupId}/reset-offsets`, { topic, to: 'earliest', dryRun: false });

    await page.goto(t.console.url);
    await page.click('nav a:has-text("Consumer groups")');
    const row = page.locator(`tr[data-group="${groupId}"]`);
    expect(await row.locator('td.lag').textContent()).toBe('21');
    await row.locator('a').click();
    const lags = await page.locator('table.offsets td.lag').allTextContents();
    expect(lags.map(Number).reduce((a, b) => a + b, 0)).toBe(21);
    expect(lags.every((lag) => Number(lag) > 0)).toBe(true);

    consumer = runnel.consumer({ groupId, autoCommitIntervalMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({ eachMessage: async () => undefined });
    await page.locator('.total-lag', { hasText: /^0$/ }).waitFor({ timeout: 30_000 });
    expect(await page.locator('table.offsets td.lag').allTextContents()).toEqual(['0', '0']);
    // The chart, drawn by uPlot from the console's samples, reaches 0 too.
    await page.locator('[data-lag-chart][data-last-lag="0"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-lag-chart] canvas').count()).toBeGreaterThan(0);
  });

  it('resets the offsets of the stopped group: dry run, then the reset', async () => {
    await consumer!.disconnect();
    consumer = undefined;
    await page.reload();
    await page.locator('.stat b', { hasText: /^Empty$/ }).waitFor({ timeout: 30_000 });
    await page.click('summary:has-text("Reset offsets")');
    await page.selectOption('select[name="to"]', 'earliest');
    await page.click('button:has-text("Dry run")');
    const plan = page.locator('table.plan');
    await plan.waitFor();
    expect(await plan.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('.total-lag').textContent()).toBe('0');
    await page.click('button:has-text("Reset offsets"):not([disabled])');
    await page.locator('text=Offsets reset to:').waitFor();
    await page.locator('.total-lag', { hasText: /^21$/ }).waitFor();
  });

  it('deletes the topic after its name is typed', async () => {
    await page.goto(`${t.console.url}/topics/${topic}`);
    await page.click('summary:has-text("Delete this topic")');
    await page.fill('input[name="confirm"]', 'wrong');
    await page.click('button:has-text("Delete topic")');
    expect(await page.locator('form[data-confirm] output.error').textContent()).toBe(
      `type '${topic}' to confirm`,
    );
    await page.fill('input[name="confirm"]', topic);
    await page.click('button:has-text("Delete topic")');
    await page.waitForURL(`${t.console.url}/topics`);
    expect(await page.locator(`a[href="/topics/${topic}"]`).count()).toBe(0);
    expect((await t.call('GET', `/api/topics/${topic}`)).status).toBe(404);
  });

  it('shows a topic deleted meanwhile in the page that shows it, without a reload', async () => {
    await t.call('POST', '/api/topics', { name: 'short-lived', partitions: 1, replicationFactor: 1 });
    await page.goto(`${t.console.url}/topics/short-lived`);
    await page.locator('#partitions tbody tr').waitFor();
    await t.call('DELETE', '/api/topics/short-lived');
    const error = page.locator('#partitions .error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toContain("topic 'short-lived'");
  });

  it('shows the broker going down in the page it is on, without a reload', async () => {
    await page.goto(`${t.console.url}/groups`);
    await page.locator('[data-lag-chart=""][data-ready] canvas').waitFor({ timeout: 30_000 });
    await t.broker.close();
    const error = page.locator('#groups .error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(/^the cluster cannot be reached: /);
    expect(await page.locator('nav a').count()).toBe(3);
  });
});
