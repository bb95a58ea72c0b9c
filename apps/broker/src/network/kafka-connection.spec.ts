import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { CloseConnection } from '../handlers/api-handler.js';
import { type Dispatch, KafkaConnection } from './kafka-connection.js';
import { QueuedRequestBytes } from './queued-request-bytes.js';

function sized(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/**
 * Counts the writes a server socket hands to the system: each call of Node's `_write` (one
 * buffer) or `_writev` (the buffers of one uncork) is one system call.
 */
function countWrites(socket: Socket): { writes: number } {
  const counter = { writes: 0 };
  const stream = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
  for (const method of ['_write', '_writev'] as const) {
    const original = stream[method]!;
    stream[method] = function (this: unknown, ...args: unknown[]) {
      counter.writes++;
      original.apply(this, args);
    };
  }
  return counter;
}

/** A connection over a real loopback socket pair, served by `dispatch`. */
async function serve(
  dispatch: Dispatch,
  onClose: (reason: string | null) => void = () => {},
  {
    maxInFlightRequests = 100,
    queuedBytes = new QueuedRequestBytes(-1),
    onSocket = (_socket: Socket) => {},
  } = {},
): Promise<{ client: Socket; server: Server }> {
  const server = createServer((socket) => {
    onSocket(socket);
    const limits = { maxFrameBytes: 1 << 20, maxIdleMs: 60_000, maxInFlightRequests, queuedBytes };
    new KafkaConnection(1, socket, dispatch, limits, (_, reason) => onClose(reason));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  return { client, server };
}

/** Reads from `client` until `n` bytes have arrived. */
async function readBytes(client: Socket, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of client) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= n) break;
  }
  return Buffer.concat(chunks);
}

describe('KafkaConnection', () => {
  it('writes a response given as a list of buffers in order, behind an earlier response still pending', async () => {
    let releaseFirst!: () => void;
    const firstDone = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const { client, server } = await serve((frame) => {
      const name = frame.toString();
      if (name === 'slow') return firstDone.then(() => sized(Buffer.from('slow-answer')));
      if (name === 'none') return null;
      // A frame in three parts, passed by reference as a fetch response's record bytes are.
      const body = Buffer.from(`${name}-head|${name}-records|${name}-tail`);
      const size = Buffer.alloc(4);
      size.writeInt32BE(body.length);
      const [head, records, tail] = body.toString().split('|');
      return [size, Buffer.from(`${head}|`), Buffer.from(`${records}|`), Buffer.from(tail!)];
    });
    client.write(Buffer.concat(['slow', 'none', 'list', 'more'].map((n) => sized(Buffer.from(n)))));
    const expected = Buffer.concat([
      sized(Buffer.from('slow-answer')),
      sized(Buffer.from('list-head|list-records|list-tail')),
      sized(Buffer.from('more-head|more-records|more-tail')),
    ]);
    const received = readBytes(client, expected.length);
    releaseFirst();
    expect((await received).toString('hex')).toBe(expected.toString('hex'));
    client.destroy();
    server.close();
  });

  it('writes an empty list as no bytes and keeps serving', async () => {
    const { client, server } = await serve((frame) =>
      frame.toString() === 'empty' ? [] : sized(Buffer.from('ok')),
    );
    client.write(Buffer.concat([sized(Buffer.from('empty')), sized(Buffer.from('next'))]));
    expect((await readBytes(client, 6)).toString('hex')).toBe(sized(Buffer.from('ok')).toString('hex'));
    client.destroy();
    server.close();
  });

  it('closes on a CloseConnection outcome only after the responses before it have left, dispatching nothing after it', async () => {
    let releaseFirst!: () => void;
    const firstDone = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const dispatched: string[] = [];
    let reportClose!: (reason: string | null) => void;
    const closeReason = new Promise<string | null>((resolve) => {
      reportClose = resolve;
    });
    const { client, server } = await serve((frame) => {
      const name = frame.toString();
      dispatched.push(name);
      if (name === 'slow') return firstDone.then(() => sized(Buffer.from('slow-answer')));
      if (name === 'bad') return new CloseConnection('bad request');
      return sized(Buffer.from(`${name}-answer`));
    }, reportClose);
    client.write(Buffer.concat(['slow', 'bad', 'after'].map((n) => sized(Buffer.from(n)))));
    const chunks: Buffer[] = [];
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = once(client, 'end');
    releaseFirst();
    await ended;
    expect(Buffer.concat(chunks).toString('hex')).toBe(sized(Buffer.from('slow-answer')).toString('hex'));
    expect(await closeReason).toBe('bad request');
    expect(dispatched).toEqual(['slow', 'bad']);
    client.destroy();
    server.close();
  });

  it('answers many pipelined frames of one chunk in order through a small in-flight limit, synchronous or not', async () => {
    const { client, server } = await serve(
      (frame) => {
        const answer = sized(Buffer.from(`re:${frame}`));
        return Number(frame.toString()) % 3 === 0 ? Promise.resolve(answer) : answer;
      },
      undefined,
      { maxInFlightRequests: 2 },
    );
    const names = Array.from({ length: 200 }, (_, i) => String(i));
    client.write(Buffer.concat(names.map((n) => sized(Buffer.from(n)))));
    const expected = Buffer.concat(names.map((n) => sized(Buffer.from(`re:${n}`))));
    expect((await readBytes(client, expected.length)).toString()).toBe(expected.toString());
    client.destroy();
    server.close();
  });

  it('writes the responses finished in one turn in one write per connection, each in request order, across pipelining connections', async () => {
    // As produce requests acknowledged by one log write: every connection's requests wait on one
    // gate, opened in a later turn, and finish in the turn's microtasks, the head first and the
    // rest in reverse order (frame i after (i * 5) % FRAMES promise hops: 0, 5, 4, 3, 2, 1).
    const CONNECTIONS = 3;
    const FRAMES = 6;
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let dispatched = 0;
    let reportAllDispatched!: () => void;
    const allDispatched = new Promise<void>((resolve) => {
      reportAllDispatched = resolve;
    });
    const counters = new Map<number, { writes: number }>();
    const servedSockets: Socket[] = [];
    const { client: first, server } = await serve(
      (frame) => {
        const [, i] = frame.toString().split(':');
        if (++dispatched === CONNECTIONS * FRAMES) reportAllDispatched();
        let answer: Promise<void> = gate;
        for (let hop = 0; hop < (Number(i) * 5) % FRAMES; hop++) answer = answer.then(() => {});
        return answer.then(() => sized(Buffer.from(`re:${frame}`)));
      },
      undefined,
      {
        onSocket: (socket) => {
          servedSockets.push(socket);
          counters.set(servedSockets.length, countWrites(socket));
        },
      },
    );
    const { port } = server.address() as { port: number };
    const clients = [first];
    for (let c = 1; c < CONNECTIONS; c++) {
      const client = connect(port, '127.0.0.1');
      await once(client, 'connect');
      clients.push(client);
    }
    // Each frame in its own write, so the server may read them in several chunks.
    clients.forEach((client, c) => {
      for (let i = 0; i < FRAMES; i++) client.write(sized(Buffer.from(`${c}:${i}`)));
    });
    await allDispatched;
    const received = clients.map((client, c) =>
      readBytes(
        client,
        Array.from({ length: FRAMES }, (_, i) => 4 + `re:${c}:${i}`.length).reduce((a, b) => a + b),
      ),
    );
    setImmediate(openGate);
    const answers = await Promise.all(received);
    clients.forEach((_, c) => {
      const expected = Buffer.concat(
        Array.from({ length: FRAMES }, (_, i) => sized(Buffer.from(`re:${c}:${i}`))),
      );
      expect(answers[c]!.toString()).toBe(expected.toString());
    });
    expect([...counters.values()].map(({ writes }) => writes)).toEqual(Array(CONNECTIONS).fill(1));
    for (const client of clients) client.destroy();
    server.close();
  });

  it('stops reading a client that does not read its responses once the socket buffer is full, and serves it all once it reads', async () => {
    const RESPONSE_BYTES = 256 * 1024;
    const FRAMES = 200;
    let dispatched = 0;
    let served!: Socket;
    const { client, server } = await serve(
      () => {
        dispatched++;
        return sized(Buffer.alloc(RESPONSE_BYTES - 4, 7));
      },
      undefined,
      { onSocket: (socket) => (served = socket) },
    );
    client.pause();
    // Requests of 64 KiB, so they reach the broker over many reads, not in one chunk.
    const request = sized(Buffer.alloc(64 * 1024));
    let written = 0;
    const writing = (async () => {
      for (; written < FRAMES; written++) if (!client.write(request)) await once(client, 'drain');
    })();
    // 50 MiB of responses are more than loopback's buffers hold: the broker stops reading once its
    // socket wants a drain, and the client's own writes then back up behind the unread requests.
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    while (!(served?.isPaused() && served.writableNeedDrain && client.writableNeedDrain)) await tick();
    const dispatchedWhileBlocked = dispatched;
    expect(dispatchedWhileBlocked).toBeLessThan(FRAMES);
    expect(written).toBeLessThan(FRAMES);
    const received = readBytes(client, FRAMES * RESPONSE_BYTES);
    client.resume();
    expect((await received).length).toBe(FRAMES * RESPONSE_BYTES);
    await writing;
    expect(dispatched).toBe(FRAMES);
    client.destroy();
    server.close();
  });

  it('gives back every byte of the budget it holds when it closes: in flight, waiting, half read', async () => {
    const queuedBytes = new QueuedRequestBytes(1 << 20);
    let reportClose!: () => void;
    const closed = new Promise<void>((resolve) => {
      reportClose = resolve;
    });
    let dispatched = 0;
    const { client, server } = await serve(
      () => {
        dispatched++;
        return new Promise<null>(() => {}); // never answered
      },
      () => reportClose(),
      { maxInFlightRequests: 1, queuedBytes },
    );
    // One frame in flight, one waiting behind the limit, and the first 10 bytes of a third.
    const third = sized(Buffer.alloc(100));
    client.write(Buffer.concat([sized(Buffer.from('a')), sized(Buffer.from('b')), third.subarray(0, 10)]));
    while (queuedBytes.used < 5 + 5 + 104) await new Promise((resolve) => setImmediate(resolve));
    expect(queuedBytes.used).toBe(5 + 5 + 104);
    expect(dispatched).toBe(1);
    client.destroy();
    await closed;
    expect(queuedBytes.used).toBe(0);
    server.close();
  });
});
