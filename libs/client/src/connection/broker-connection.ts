import type { Socket } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  type Api,
  ApiVersions,
  decodeResponseFrame,
  ErrorCode,
  encodeRequestFrame,
  type InputOf,
  KafkaError,
  SaslAuthenticate,
  SaslHandshake,
} from '@runnel/protocol';
import { ConnectionError } from '../errors/connection-error.js';
import { RunnelError } from '../errors/runnel-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { ApiVersionTable } from './api-version-table.js';
import { FrameReader } from './frame-reader.js';
import { openSocket } from './open-socket.js';
import { RequestQueue } from './request-queue.js';
import {
  authenticateError,
  authenticateSasl,
  handshakeError,
  type SaslOptions,
} from './sasl-authenticator.js';

export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

export interface ConnectionOptions {
  /** Sent in every request header (`client.id`). */
  clientId: string;
  /** How long TCP connect plus the ApiVersions handshake may take (`socket.connection.setup.timeout.ms`); 10000 in Runnel's options. */
  connectTimeoutMs: number;
  /** How long a request may wait for its response (`request.timeout.ms`); 30000 in Runnel's options. */
  requestTimeoutMs: number;
  /**
   * Requests written and not yet answered, at most (`max.in.flight.requests.per.connection`);
   * later ones wait, in order, for a response to free a slot. Default: unlimited.
   */
  maxInFlightRequests?: number;
  /** TLS options of node:tls `connect` when the listener is SSL or SASL_SSL; absent: plain TCP. */
  ssl?: TlsConnectionOptions | undefined;
  /** SASL credentials when the listener is SASL_PLAINTEXT or SASL_SSL; absent: no authentication. */
  sasl?: SaslOptions | undefined;
}

export interface RequestOptions {
  /** The version to send; default the highest both sides support. */
  version?: number;
  /** Overrides `requestTimeoutMs` for this request (a long poll or a JoinGroup waits longer). */
  timeoutMs?: number;
}

/**
 * Encodes a request frame, size prefix included, as chunks (written with one writev, so large
 * fields such as record batches need not be copied into one buffer), given the correlation id and
 * client id the connection puts in its header.
 */
export type FrameEncoder = (correlationId: number, clientId: string) => readonly Buffer[];

/** Announced in ApiVersions v3+ (KIP-511); Kafka restricts it to `[a-zA-Z0-9.-]`. */
const CLIENT_SOFTWARE_NAME = 'runnel-client';
const CLIENT_SOFTWARE_VERSION = '0.1.0';
const MAX_CORRELATION_ID = 0x7fffffff;
/** Largest delay a Node timer takes. */
const MAX_TIMER_MS = 2_147_483_647;

/** A request created and not yet answered: waiting for an in-flight slot (`frame` set) or written. */
interface PendingRequest {
  readonly correlationId: number;
  readonly api: Api<unknown, unknown>;
  readonly version: number;
  readonly expectResponse: boolean;
  readonly timeoutMs: number;
  /** The encoded request (one buffer, or chunks written together) until it is written, then null. */
  frame: Buffer | readonly Buffer[] | null;
  /** Date.now() after which the response is late; set when written. */
  deadline: number;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * One TCP connection to a broker with any number of requests pipelined on it.
 *
 * A broker answers the requests of one connection in the order they were sent, so written
 * requests form a FIFO and the next response frame answers its head; the correlation id is checked,
 * and a mismatch (a peer breaking the protocol) closes the connection. Requests issued in one tick
 * of the event loop are corked into a single write.
 *
 * Timeouts follow Kafka's NetworkClient: a request unanswered after its timeout fails with a
 * TimeoutError and the connection is closed, since every later response on it would arrive behind
 * the late one; the other pending requests fail with a retriable ConnectionError. One timer per
 * connection serves every deadline (armed for the earliest), so a request costs no timer.
 *
 * When the connection ends for any reason — the broker closed it, a reset, a timeout, `close()` —
 * every pending request rejects with a retriable ConnectionError, later requests reject at once,
 * and `onClose` listeners run once, with the error (none for `close()`).
 */
export class BrokerConnection {
  /** `host:port`, as error messages name the broker. */
  readonly address: string;
  private readonly reader = new FrameReader();
  private readonly inFlight = new RequestQueue<PendingRequest>();
  private readonly waiting = new RequestQueue<PendingRequest>();
  private readonly closeListeners: ((err?: Error) => void)[] = [];
  private readonly socketClosed: Promise<void>;
  private readonly maxInFlight: number;
  private versions: ApiVersionTable | undefined;
  private correlationId = 0;
  private corked = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDeadline = Number.POSITIVE_INFINITY;
  private isClosed = false;
  /** Armed while a SASL session with a lifetime waits for its re-authentication. */
  private reauthTimer: NodeJS.Timeout | undefined;
  private closeReason: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    address: BrokerAddress,
    private readonly options: ConnectionOptions,
  ) {
    this.address = `${address.host}:${address.port}`;
    this.maxInFlight = options.maxInFlightRequests ?? Number.POSITIVE_INFINITY;
    socket.setNoDelay(true);
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) =>
      this.fail(new ConnectionError(this.address, `connection failed: ${err.message}`, { cause: err })),
    );
    socket.on('close', () =>
      this.fail(new ConnectionError(this.address, 'the broker closed the connection')),
    );
  }

  /**
   * Opens a TCP (or TLS) connection, negotiates API versions (ApiVersions) and, with `sasl`,
   * authenticates, each step within `connectTimeoutMs`.
   */
  static async connect(address: BrokerAddress, options: ConnectionOptions): Promise<BrokerConnection> {
    const socket = await openSocket(address, options.connectTimeoutMs, options.ssl);
    const connection = new BrokerConnection(socket, address, options);
    try {
      await connection.handshake();
      if (options.sasl) await connection.authenticate(options.sasl);
    } catch (err) {
      connection.fail(err as Error);
      throw err;
    }
    return connection;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Requests sent or waiting for a slot, not yet answered (requests without a response excluded). */
  get pendingRequests(): number {
    return this.inFlight.size + this.waiting.size;
  }

  /** Whether the broker serves some version of `api` that this client speaks too. */
  supports(api: Api<unknown, unknown>): boolean {
    return this.versionTable().supports(api);
  }

  /** The negotiated version of `api`; throws UNSUPPORTED_VERSION naming both sides' ranges. */
  versionFor(api: Api<unknown, unknown>): number {
    return this.versionTable().versionFor(api);
  }

  /**
   * Sends one request at the highest version both sides support (or `options.version`) and
   * resolves with the decoded response body. Never throws: every failure is a rejection.
   */
  request<Req, Res>(api: Api<Req, Res>, body: InputOf<Req>, options?: RequestOptions): Promise<Res> {
    try {
      const version = options?.version ?? this.versionFor(api as Api<unknown, unknown>);
      return this.send(api, version, body, options?.timeoutMs ?? this.options.requestTimeoutMs, true);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Like `request()`, for a frame the caller encodes itself (`encode`, at `version`, which must be
   * a version of `api` the broker serves: see `versionFor`); the response is decoded as `api` at
   * `version`. The producer writes Produce requests this way, its record batches uncopied.
   */
  requestFrame<Req, Res>(
    api: Api<Req, Res>,
    version: number,
    encode: FrameEncoder,
    options?: { timeoutMs?: number },
  ): Promise<Res> {
    return this.send(api, version, encode, options?.timeoutMs ?? this.options.requestTimeoutMs, true);
  }

  /** `sendWithoutResponse()` for a frame the caller encodes itself (see `requestFrame`); an encoder that throws throws here. */
  sendFrameWithoutResponse<Req, Res>(
    api: Api<Req, Res>,
    version: number,
    encode: FrameEncoder,
  ): Promise<void> {
    return this.send(api, version, encode, 0, false, true) as Promise<unknown> as Promise<void>;
  }

  /**
   * Sends a request the broker does not answer (Produce with acks=0). It is written in order with
   * the requests around it; a failure to encode throws. Resolves once every byte of it has been
   * handed to the kernel (so the caller may reuse the buffers it was made of, as Kafka completes
   * acks=0 batches once sent), or rejects with a ConnectionError when the connection ends first.
   */
  sendWithoutResponse<Req, Res>(
    api: Api<Req, Res>,
    body: InputOf<Req>,
    options?: { version?: number },
  ): Promise<void> {
    const version = options?.version ?? this.versionFor(api as Api<unknown, unknown>);
    return this.send(api, version, body, 0, false, true) as Promise<unknown> as Promise<void>;
  }

  /**
   * Hands the requests written since the last write to the socket now, in one write, rather than
   * when the current tick ends. A caller that writes requests inside a run of microtasks (the
   * producer refilling the slots a read's responses freed) uses it so they do not wait behind the
   * microtasks queued after it (the code its responses resumed).
   */
  flushWrites(): void {
    BrokerConnection.uncork(this);
  }

  /**
   * Runs `listener` once when the connection ends: with the error, or none after `close()`. On a
   * connection already closed it runs in a microtask, so a listener is never missed.
   */
  onClose(listener: (err?: Error) => void): void {
    if (this.isClosed) queueMicrotask(() => listener(this.closeReason));
    else this.closeListeners.push(listener);
  }

  /** Closes the connection; pending requests reject with a retriable ConnectionError. */
  async close(): Promise<void> {
    this.fail(undefined);
    await this.socketClosed;
  }

  private versionTable(): ApiVersionTable {
    if (this.versions === undefined) {
      throw new RunnelError(`broker ${this.address}: API versions are not negotiated yet`);
    }
    return this.versions;
  }

  /** ApiVersions at our highest version; a broker that does not know it answers v0 with its range (KIP-511). */
  private async handshake(): Promise<void> {
    const body = { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION };
    const timeoutMs = this.options.connectTimeoutMs;
    let response = await this.send(ApiVersions, ApiVersions.request.validVersions.max, body, timeoutMs, true);
    if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      const theirs = response.apiKeys.find((k) => k.apiKey === ApiVersions.apiKey)?.maxVersion ?? 0;
      const version = Math.min(theirs, ApiVersions.request.validVersions.max);
      response = await this.send(ApiVersions, version, body, timeoutMs, true);
    }
    KafkaError.throwIfError(response.errorCode, { context: `broker ${this.address} ApiVersions` });
    this.versions = new ApiVersionTable(this.address, response.apiKeys);
  }

  /** SaslHandshake v1 and SaslAuthenticate (v1, or v0 on a broker without it): see authenticateSasl. */
  private async authenticate(sasl: SaslOptions): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs;
    const authenticateVersion = Math.min(1, this.versionFor(SaslAuthenticate as Api<unknown, unknown>));
    let sessionLifetimeMs = 0n;
    await authenticateSasl(
      this.address,
      sasl,
      async (authBytes) => {
        const response = await this.send(
          SaslAuthenticate,
          authenticateVersion,
          { authBytes },
          timeoutMs,
          true,
        );
        const error = authenticateError(this.address, response.errorCode, response.errorMessage);
        if (error) throw error;
        sessionLifetimeMs = response.sessionLifetimeMs ?? 0n;
        return response.authBytes;
      },
      async (mechanism) => {
        const response = await this.send(SaslHandshake, 1, { mechanism }, timeoutMs, true);
        const error = handshakeError(this.address, mechanism, response.errorCode, response.mechanisms);
        if (error) throw error;
      },
    );
    this.scheduleReauthentication(sasl, Number(sessionLifetimeMs));
  }

  /**
   * KIP-368: a broker with `connections.max.reauth.ms` says how long the session lasts and closes
   * the connection at its first request after that. The connection re-authenticates on its own,
   * at a random point between 85% and 95% of the lifetime as Kafka's client does, while requests
   * keep flowing (the broker serves them under the session still valid); a re-authentication
   * that fails ends the connection, whose requests then fail retriably.
   */
  private scheduleReauthentication(sasl: SaslOptions, lifetimeMs: number): void {
    if (lifetimeMs <= 0 || this.isClosed) return;
    const delay = Math.min(lifetimeMs * (0.85 + Math.random() * 0.1), MAX_TIMER_MS);
    this.reauthTimer = setTimeout(() => {
      this.reauthTimer = undefined;
      this.authenticate(sasl).catch((err: Error) => this.fail(err));
    }, delay);
    this.reauthTimer.unref();
  }

  /**
   * `body` is encoded with `api`'s schema, or is a FrameEncoder. An encoding failure is a
   * rejection, or (`throwOnEncodeError`, for callers that get no promise) thrown.
   */
  private send<Req, Res>(
    api: Api<Req, Res>,
    version: number,
    body: InputOf<Req> | FrameEncoder,
    timeoutMs: number,
    expectResponse: boolean,
    throwOnEncodeError = false,
  ): Promise<Res> {
    if (this.isClosed) {
      return Promise.reject(
        new ConnectionError(this.address, `connection is closed; ${api.name} v${version} was not sent`),
      );
    }
    const { min, max } = api.request.validVersions;
    if (version < min || version > max) {
      return Promise.reject(
        new RunnelError(
          `${api.name} version ${version} is outside the versions this client speaks (${min}-${max})`,
        ),
      );
    }
    const correlationId = this.nextCorrelationId();
    let frame: Buffer | readonly Buffer[];
    try {
      frame =
        typeof body === 'function'
          ? (body as FrameEncoder)(correlationId, this.options.clientId)
          : encodeRequestFrame(api, version, { correlationId, clientId: this.options.clientId }, body);
    } catch (err) {
      if (throwOnEncodeError) throw err;
      return Promise.reject(err);
    }
    return new Promise<Res>((resolve, reject) => {
      const request: PendingRequest = {
        correlationId,
        api: api as Api<unknown, unknown>,
        version,
        expectResponse,
        timeoutMs,
        frame,
        deadline: 0,
        resolve: resolve as (body: unknown) => void,
        reject,
      };
      if (this.waiting.size === 0 && (!expectResponse || this.inFlight.size < this.maxInFlight)) {
        this.write(request);
      } else {
        this.waiting.push(request);
      }
    });
  }

  private nextCorrelationId(): number {
    this.correlationId = this.correlationId === MAX_CORRELATION_ID ? 0 : this.correlationId + 1;
    return this.correlationId;
  }

  private write(request: PendingRequest): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(BrokerConnection.uncork, this);
    }
    const frame = request.frame as Buffer | readonly Buffer[];
    request.frame = null;
    if (!request.expectResponse) {
      // No answer will come: the request is done when its last byte has left for the kernel.
      // Until then the socket still reads from the caller's buffers (under backpressure it holds
      // them for as long as the peer does not read), so only then may they be reused.
      const written = (err?: Error | null) => {
        if (err) {
          request.reject(
            new ConnectionError(
              this.address,
              `${request.api.name} v${request.version} was not written: ${err.message}`,
              {
                cause: err,
              },
            ),
          );
        } else request.resolve(undefined);
      };
      if (Buffer.isBuffer(frame)) this.socket.write(frame, written);
      else
        for (let i = 0; i < frame.length; i++)
          this.socket.write(frame[i]!, i === frame.length - 1 ? written : undefined);
      return;
    }
    if (Buffer.isBuffer(frame)) this.socket.write(frame);
    else for (const chunk of frame) this.socket.write(chunk);
    request.deadline = Date.now() + request.timeoutMs;
    this.inFlight.push(request);
    if (request.deadline < this.timerDeadline) this.armTimer(request.deadline);
  }

  /** Ends the cork `write` began, once: after `flushWrites`, the tick's scheduled uncork finds nothing to do. */
  private static uncork(connection: BrokerConnection): void {
    if (!connection.corked) return;
    connection.corked = false;
    connection.socket.uncork();
  }

  /** Writes waiting requests, in order, while in-flight slots are free. */
  private writeWaiting(): void {
    for (let next = this.waiting.peek(); next !== undefined; next = this.waiting.peek()) {
      if (next.expectResponse && this.inFlight.size >= this.maxInFlight) return;
      this.write(this.waiting.shift() as PendingRequest);
    }
  }

  private receive(chunk: Buffer): void {
    this.reader.push(chunk);
    try {
      for (let frame = this.reader.next(); frame !== undefined; frame = this.reader.next()) {
        this.dispatch(frame);
        if (this.isClosed) return;
      }
    } catch (err) {
      this.fail(
        new ConnectionError(this.address, `unreadable response stream: ${(err as Error).message}`, {
          cause: err,
        }),
      );
    }
  }

  /** Hands one response frame to the request at the head of the in-flight queue. */
  private dispatch(frame: Buffer): void {
    const head = this.inFlight.peek();
    if (frame.length < 4)
      throw new RangeError(`response frame of ${frame.length} byte(s) has no correlation id`);
    const correlationId = frame.readInt32BE(0);
    if (head === undefined) {
      throw new RangeError(`response with correlation id ${correlationId} while no request is in flight`);
    }
    if (head.correlationId !== correlationId) {
      throw new RangeError(
        `response with correlation id ${correlationId}, expected ${head.correlationId} (${head.api.name} v${head.version})`,
      );
    }
    this.inFlight.shift();
    let body: unknown;
    try {
      body = decodeBody(head, frame);
    } catch (err) {
      head.reject(err as Error);
      this.writeWaiting();
      return;
    }
    head.resolve(body);
    this.writeWaiting();
  }

  private armTimer(deadline: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDeadline = deadline;
    this.timer = setTimeout(BrokerConnection.checkDeadlines, Math.max(0, deadline - Date.now()), this);
    this.timer.unref();
  }

  /** Fails the connection if a written request is late; otherwise re-arms for the earliest deadline. */
  private static checkDeadlines(connection: BrokerConnection): void {
    connection.timer = undefined;
    connection.timerDeadline = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let late: PendingRequest | undefined;
    let earliest = Number.POSITIVE_INFINITY;
    connection.inFlight.forEach((request) => {
      if (request.deadline <= now) late ??= request;
      else if (request.deadline < earliest) earliest = request.deadline;
    });
    if (late !== undefined) {
      const detail = `${late.api.name} v${late.version} (correlation id ${late.correlationId}) got no response within ${late.timeoutMs} ms`;
      const timeout = new TimeoutError(`broker ${connection.address}: ${detail}`, late.timeoutMs);
      late.reject(timeout);
      connection.fail(timeout, `an earlier request timed out: ${detail}`);
    } else if (earliest !== Number.POSITIVE_INFINITY) {
      connection.armTimer(earliest);
    }
  }

  /** Ends the connection once: rejects everything pending, destroys the socket, tells listeners. */
  private fail(reason: Error | undefined, detail?: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeReason = reason;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.reauthTimer !== undefined) clearTimeout(this.reauthTimer);
    this.socket.destroy();
    const why =
      detail ??
      (reason === undefined
        ? 'the client closed the connection'
        : reason instanceof ConnectionError
          ? reason.detail
          : reason.message);
    for (const request of [...this.inFlight.drain(), ...this.waiting.drain()]) {
      request.reject(
        new ConnectionError(
          this.address,
          `${request.api.name} v${request.version} (correlation id ${request.correlationId}) got no response: ${why}`,
          { cause: reason },
        ),
      );
    }
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }
}

/**
 * Decodes a response for its request. An ApiVersions response to a version the broker does not
 * know is meant to come at v0 (KIP-511), so when decoding at the asked version fails it is read
 * again at v0, as Kafka's client does. Some brokers (librdkafka's mock cluster) write that answer in
 * neither layout; its error code still sits right after the v0 header, and UNSUPPORTED_VERSION
 * there is taken as such, with no version list, so the handshake retries at v0.
 */
function decodeBody(request: PendingRequest, frame: Buffer): unknown {
  try {
    return decodeResponseFrame(request.api, request.version, frame).body;
  } catch (err) {
    if (request.api.apiKey !== ApiVersions.apiKey || request.version === 0) throw err;
    try {
      return decodeResponseFrame(request.api, 0, frame).body;
    } catch {
      if (frame.length >= 6 && frame.readInt16BE(4) === ErrorCode.UNSUPPORTED_VERSION) {
        return { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: [] };
      }
      throw err;
    }
  }
}
