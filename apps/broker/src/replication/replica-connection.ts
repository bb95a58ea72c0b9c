import { connect, type Socket } from 'node:net';
import {
  type Api,
  decodeResponseFrame,
  encodeRequestFrame,
  FRAME_SIZE_PREFIX,
  type InputOf,
} from '@runnel/protocol';

/**
 * A follower's connection to a leader (Kafka's ReplicaFetcherBlockingSend): one request at a
 * time, since a replica fetcher sends its next Fetch only once it has appended what the last one
 * returned. Any socket error, close or timeout fails the pending request and closes the
 * connection for good; the fetcher opens a new one.
 */
export class ReplicaConnection {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private correlationId = 0;
  private waiting:
    | { resolve: (frame: Buffer) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }
    | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly clientId: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('the leader closed the connection')));
  }

  /** Connects to `host:port`; rejects when it is not reachable within `timeoutMs`. */
  static open(host: string, port: number, clientId: string, timeoutMs: number): Promise<ReplicaConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connecting to ${host}:${port} took more than ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new ReplicaConnection(socket, clientId));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  /** Sends one request at `version` and resolves with its response; rejects after `timeoutMs`. */
  request<Req, Res>(
    api: Api<Req, Res>,
    version: number,
    body: InputOf<Req>,
    timeoutMs: number,
  ): Promise<Res> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new Error('a request is already in flight'));
    this.correlationId = (this.correlationId + 1) & 0x7fffffff;
    const correlationId = this.correlationId;
    this.socket.write(encodeRequestFrame(api, version, { correlationId, clientId: this.clientId }, body));
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new Error(`${api.name} v${version} unanswered after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiting = { resolve, reject, timer };
    }).then((frame) => {
      const response = decodeResponseFrame(api, version, frame);
      if (response.correlationId !== correlationId) {
        this.fail(new Error(`response ${response.correlationId} does not answer request ${correlationId}`));
        throw this.failure;
      }
      return response.body;
    });
  }

  close(): void {
    this.fail(new Error('connection closed'));
  }

  private receive(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < FRAME_SIZE_PREFIX) return;
    const buffered = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const size = buffered.readInt32BE(0);
    if (buffered.length < FRAME_SIZE_PREFIX + size) {
      this.pending = [buffered];
      return;
    }
    const frame = buffered.subarray(FRAME_SIZE_PREFIX, FRAME_SIZE_PREFIX + size);
    const rest = buffered.subarray(FRAME_SIZE_PREFIX + size);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) {
      clearTimeout(waiting.timer);
      waiting.resolve(frame);
    } else this.fail(new Error('the leader sent a response to no request'));
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.socket.destroy();
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(err);
    }
  }
}
