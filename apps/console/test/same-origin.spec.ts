import { request } from 'node:http';
import { type ConsoleUnderTest, startConsole } from './console-support.js';

interface Answer {
  readonly status: number;
  readonly text: string;
  /** The parsed body of a JSON answer. */
  readonly body: { message?: string } | null;
}

/** One request with exactly these headers (fetch would not let a test set Origin as a browser does). */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const json = res.headers['content-type']?.startsWith('application/json') === true;
        resolve({ status: res.statusCode ?? 0, text, body: json ? JSON.parse(text) : null });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (value: unknown) => JSON.stringify(value);

/** Cross-site request forgery: what a page of another site can make the operator's browser send. */
describe('console API: changes only from the console itself', () => {
  let t: ConsoleUnderTest;
  let url: string;

  beforeAll(async () => {
    t = await startConsole();
    url = t.console.url;
    await t.call('POST', '/api/topics', { name: 'kept', partitions: 1, replicationFactor: 1 });
  });
  afterAll(() => t.close());

  it('a change with another Origin is refused (403) and not made; with its own origin it is made', async () => {
    const topic = { name: 'forged', partitions: 1, replicationFactor: 1 };
    const forged = await send(
      `${url}/api/topics`,
      'POST',
      { origin: 'http://evil.example', 'content-type': 'application/json' },
      json(topic),
    );
    expect(forged.status).toBe(403);
    expect(forged.body?.message).toBe(
      `POST /api/topics: refused, Origin http://evil.example is not this console (127.0.0.1:${t.console.port})`,
    );
    expect((await t.call('GET', '/api/topics/forged')).status).toBe(404);

    const own = await send(
      `${url}/api/topics`,
      'POST',
      { origin: url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      json(topic),
    );
    expect(own.status).toBe(201);
    expect((await t.call('GET', '/api/topics/forged')).status).toBe(200);
  });

  it('an opaque origin (Origin: null) or Sec-Fetch-Site of another site is refused', async () => {
    const opaque = await send(
      `${url}/api/topics/kept/messages`,
      'POST',
      { origin: 'null', 'content-type': 'application/json' },
      json({ value: 'forged' }),
    );
    expect(opaque.status).toBe(403);
    const crossSite = await send(`${url}/api/topics/kept`, 'DELETE', { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body?.message).toBe(
      'DELETE /api/topics/kept: refused, sent by a page of another site (Sec-Fetch-Site: cross-site)',
    );
    const { body } = await t.call('GET', '/api/topics/kept');
    expect(body).toMatchObject({ partitionList: [{ latestOffset: '0' }] });
  });

  it('a body that is not JSON (a form, plain text: what a page elsewhere can post unasked) is 415', async () => {
    for (const type of [
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
    ]) {
      const answer = await send(
        `${url}/api/groups/g/reset-offsets`,
        'POST',
        { 'content-type': type },
        'to=earliest&dryRun=false',
      );
      expect(answer.status).toBe(415);
      expect(answer.body?.message).toBe(
        `POST /api/groups/g/reset-offsets: Content-Type ${type} is not accepted; send the body as application/json`,
      );
    }
    const none = await send(`${url}/api/topics/kept/messages`, 'POST', {}, 'value=forged');
    expect(none.status).toBe(415);
    const { body } = await t.call('GET', '/api/topics/kept');
    expect(body).toMatchObject({ partitionList: [{ latestOffset: '0' }] });
  });

  it('reads answer whoever asks, and a script without Origin changes what it asks', async () => {
    expect((await send(`${url}/api/topics/kept`, 'GET', { origin: 'http://evil.example' })).status).toBe(200);
    const produced = await send(
      `${url}/api/topics/kept/messages`,
      'POST',
      { 'content-type': 'application/json; charset=utf-8' },
      json({ value: 'from a script' }),
    );
    expect(produced.status).toBe(201);
    const { body } = await t.call('GET', '/api/topics/kept');
    expect(body).toMatchObject({ partitionList: [{ latestOffset: '1' }] });
  });
});

/** DNS rebinding: a page whose own name now points at 127.0.0.1 reads the console as its origin. */
describe('console: answers only under its own names', () => {
  let t: ConsoleUnderTest;

  beforeAll(async () => {
    t = await startConsole({ allowedHosts: ['console.example', '.corp.example'] });
  });
  afterAll(() => t.close());

  it('a Host it does not know is 403 for pages and API alike, with the flag that would allow it', async () => {
    for (const path of ['/', '/topics', '/groups']) {
      const page = await send(`${t.console.url}${path}`, 'GET', { host: `evil.example:${t.console.port}` });
      expect({ path, status: page.status }).toEqual({ path, status: 403 });
    }
    const answer = await send(`${t.console.url}/api/cluster`, 'GET', {
      host: `evil.example:${t.console.port}`,
    });
    expect(answer.body?.message).toBe(
      `GET /api/cluster: Host evil.example:${t.console.port} is not a name of this console; to serve it under that name, start it with --allowed-hosts evil.example`,
    );
    // A listed domain's look-alike is not below it.
    expect((await send(`${t.console.url}/api/cluster`, 'GET', { host: 'evilcorp.example' })).status).toBe(
      403,
    );
  });

  it('IP addresses, localhost and the --allowed-hosts names (a leading dot: the whole domain) are served', async () => {
    for (const host of [
      `127.0.0.1:${t.console.port}`,
      `[::1]:${t.console.port}`,
      `LocalHost:${t.console.port}`,
      'console.example',
      'corp.example:8080',
      'console.eu.corp.example',
    ]) {
      const answer = await send(`${t.console.url}/api/cluster`, 'GET', { host });
      expect({ host, status: answer.status }).toEqual({ host, status: 200 });
    }
    const page = await send(`${t.console.url}/`, 'GET', { host: 'console.example' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
  });
});
