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

/** A connection over a real loopback socket pair, served by `dispatch`. */
async function serve(
  dispatch: Dispatch,
  onClose: (reason: string | null) => void = () => {},
  { maxInFlightRequests = 100, queuedBytes = new QueuedRequestBytes(-1) } = {},
): Promise<{ client: Socket; server: Server }> {
  const server = createServer((socket) => {
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
