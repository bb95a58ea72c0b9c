import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import {
  type Api,
  decodeResponseFrame,
  encodeRequestFrame,
  FRAME_SIZE_PREFIX,
  type InputOf,
} from '@runnel/protocol';

/** Why a request got no response: the connection ended first (the broker closed it or died). */
export class ConnectionClosedError extends Error {
  constructor(request: string, cause?: Error) {
    super(`connection closed before the ${request} response${cause ? ` (${cause.message})` : ''}`, {
      cause,
    });
  }
}

interface Outstanding {
  readonly correlationId: number;
  readonly name: string;
  readonly decode: (frame: Buffer) => { correlationId: number; body: unknown };
  readonly resolve: (body: unknown) => void;
  readonly reject: (err: Error) => void;
}

/**
 * A Kafka connection that keeps any number of requests in flight, as a producer with
 * max.in.flight.requests.per.connection > 1 does: each request is written at once, and since a
 * broker answers in request order on a connection, the n-th response frame answers the n-th
 * request (its correlation id is checked). When the connection ends — a broker killed
 * mid-stream — every request still unanswered rejects with ConnectionClosedError, and so does
 * every later one: a test can tell what was acknowledged from what was cut off.
 */
export class PipelinedConnection {
  private pending: Buffer = Buffer.alloc(0);
  private readonly outstanding: Outstanding[] = [];
  private correlationId = 0;
  private closed = false;
  private lastError: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly clientId: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // ECONNRESET or EPIPE when the broker dies with requests unread; 'close' follows.
    socket.on('error', (err) => {
      this.lastError = err;
    });
    socket.on('close', () => {
      this.closed = true;
      for (const request of this.outstanding.splice(0)) {
        request.reject(new ConnectionClosedError(request.name, this.lastError));
      }
    });
  }

  static async connect(port: number, clientId = 'pipelined-connection'): Promise<PipelinedConnection> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new PipelinedConnection(socket, clientId);
  }

  /** Requests written and not yet answered. */
  get inFlight(): number {
    return this.outstanding.length;
  }

  /** Writes one request now and resolves with its decoded response. */
  send<Req, Res>(api: Api<Req, Res>, version: number, body: InputOf<Req>): Promise<Res> {
    const name = `${api.name} v${version}`;
    if (this.closed) return Promise.reject(new ConnectionClosedError(name, this.lastError));
    const correlationId = ++this.correlationId;
    return new Promise<Res>((resolve, reject) => {
      this.outstanding.push({
        correlationId,
        name,
        decode: (frame) => decodeResponseFrame(api, version, frame),
        resolve: resolve as (body: unknown) => void,
        reject,
      });
      this.socket.write(encodeRequestFrame(api, version, { correlationId, clientId: this.clientId }, body));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= FRAME_SIZE_PREFIX) {
      const size = this.pending.readInt32BE(0);
      if (this.pending.length < FRAME_SIZE_PREFIX + size) break;
      const frame = this.pending.subarray(FRAME_SIZE_PREFIX, FRAME_SIZE_PREFIX + size);
      this.pending = this.pending.subarray(FRAME_SIZE_PREFIX + size);
      this.answer(frame);
    }
  }

  private answer(frame: Buffer): void {
    const request = this.outstanding.shift();
    if (request === undefined) {
      this.socket.destroy(new Error(`a response frame of ${frame.length} bytes answers no request`));
      return;
    }
    try {
      const { correlationId, body } = request.decode(frame);
      if (correlationId !== request.correlationId) {
        throw new Error(
          `response with correlation id ${correlationId} arrived where ${request.correlationId} (${request.name}) was due`,
        );
      }
      request.resolve(body);
    } catch (err) {
      request.reject(err as Error);
    }
  }
}
