import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import {
  type Api,
  decodeResponseFrame,
  ErrorCode,
  encodeRequestFrame,
  FRAME_SIZE_PREFIX,
  type InputOf,
  SaslAuthenticate,
  SaslHandshake,
} from '@runnel/protocol';

/**
 * How a follower reaches a leader's inter-broker listener: over TLS (SSL, SASL_SSL) trusting
 * `ca` and showing this broker's own key and certificate, and with SASL (SASL_PLAINTEXT,
 * SASL_SSL) authenticated as `sasl` with PLAIN.
 */
export interface InterBrokerSecurity {
  readonly tls?: { readonly ca?: Buffer; readonly key: Buffer; readonly cert: Buffer };
  readonly sasl?: { readonly username: string; readonly password: string };
}

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

  /**
   * Connects to `host:port` (TLS and SASL as `security` says); rejects when it is not reachable
   * within `timeoutMs` or the leader refuses the authentication.
   */
  static async open(
    host: string,
    port: number,
    clientId: string,
    timeoutMs: number,
    security: InterBrokerSecurity = {},
  ): Promise<ReplicaConnection> {
    const connection = await ReplicaConnection.connect(host, port, clientId, timeoutMs, security);
    if (security.sasl) {
      try {
        await connection.authenticate(security.sasl, timeoutMs);
      } catch (err) {
        connection.close();
        throw err;
      }
    }
    return connection;
  }

  private static connect(
    host: string,
    port: number,
    clientId: string,
    timeoutMs: number,
    { tls }: InterBrokerSecurity,
  ): Promise<ReplicaConnection> {
    return new Promise((resolve, reject) => {
      const socket = tls
        ? connectTls({ host, port, servername: host, ca: tls.ca, key: tls.key, cert: tls.cert })
        : connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connecting to ${host}:${port} took more than ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once(tls ? 'secureConnect' : 'connect', () => {
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

  /** SaslHandshake v1 for PLAIN, then SaslAuthenticate v0 with `\0user\0password` (RFC 4616). */
  private async authenticate(
    { username, password }: { username: string; password: string },
    timeoutMs: number,
  ): Promise<void> {
    const handshake = await this.request(SaslHandshake, 1, { mechanism: 'PLAIN' }, timeoutMs);
    if (handshake.errorCode !== ErrorCode.NONE) {
      throw new Error(
        `the leader does not accept PLAIN (error ${handshake.errorCode}; it enables ${handshake.mechanisms.join(', ')})`,
      );
    }
    const authBytes = Buffer.from(`\0${username}\0${password}`, 'utf8');
    const authenticated = await this.request(SaslAuthenticate, 0, { authBytes }, timeoutMs);
    if (authenticated.errorCode !== ErrorCode.NONE) {
      throw new Error(
        `the leader refused inter-broker user ${username}: ${authenticated.errorMessage ?? `error ${authenticated.errorCode}`}`,
      );
    }
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

  /**
   * Keeps the chunks of a response apart until the whole frame has arrived, then joins them once:
   * a follower's Fetch answer is up to a megabyte per partition, which would otherwise be copied
   * again at every one of its (64 KiB) socket reads.
   */
  private receive(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < FRAME_SIZE_PREFIX) return;
    if (this.pending[0]!.length < FRAME_SIZE_PREFIX) this.pending = [Buffer.concat(this.pending)];
    const size = this.pending[0]!.readInt32BE(0);
    if (this.pendingBytes < FRAME_SIZE_PREFIX + size) return;
    const buffered =
      this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
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
