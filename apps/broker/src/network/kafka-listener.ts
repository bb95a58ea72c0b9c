import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import type { SaslSession } from '../security/authentication/sasl-session.js';
import { certificatePrincipal } from './certificate-principal.js';
import { type Dispatch, KafkaConnection } from './kafka-connection.js';
import type { QueuedRequestBytes } from './queued-request-bytes.js';
import { saslGate } from './sasl-gate.js';

export interface ListenerOptions {
  /** The listener's name (its security protocol): PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
  name: string;
  host: string;
  port: number;
  /** `socket.request.max.bytes`: a larger request closes its connection. */
  maxFrameBytes: number;
  /** `connections.max.idle.ms`: a connection silent for this long is closed. */
  maxIdleMs: number;
  /** `queuedMaxRequestsPerConnection`: requests in flight on one connection before it stops reading. */
  maxInFlightRequests: number;
  /** The broker-wide budget of request bytes (`queued.max.request.bytes`), shared by every listener. */
  queuedBytes: QueuedRequestBytes;
  dispatch: Dispatch;
  /** With TLS (SSL, SASL_SSL): the server's key, certificate and trust, as node:tls takes them. */
  tls?: TlsOptions;
  /** With SASL (SASL_PLAINTEXT, SASL_SSL): a session for each new connection. */
  newSaslSession?: (remoteAddress: string) => SaslSession;
  /** Called when a connection closes for a reason other than the client hanging up. */
  onConnectionError: (remoteAddress: string, reason: string) => void;
}

/**
 * How long a TLS client may take to complete its handshake (at most `connections.max.idle.ms`),
 * so a client that sends half a ClientHello does not hold a socket for Node's default 120 s.
 */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * One Kafka-protocol listener: plain `net` sockets, or TLS ones from node:tls, one
 * KafkaConnection per client. On a TLS listener a connection starts once its handshake is done;
 * a failed handshake (a client that does not trust us, garbage instead of a ClientHello, a
 * missing client certificate under `ssl.client.auth=required`) only ends that socket, reported
 * through `onConnectionError`. On a SASL listener every request passes the connection's
 * SaslSession first (see saslGate).
 */
export class KafkaListener {
  private readonly server: Server;
  private readonly connections = new Set<KafkaConnection>();
  private nextConnectionId = 0;
  private readonly dispatch: Dispatch;
  private readonly handshaking = new Set<Socket>();

  constructor(private readonly options: ListenerOptions) {
    this.dispatch = options.newSaslSession ? saslGate(options.dispatch) : options.dispatch;
    if (options.tls) {
      const tlsServer = createTlsServer(
        { handshakeTimeout: Math.min(options.maxIdleMs, TLS_HANDSHAKE_TIMEOUT_MS), ...options.tls },
        (socket) => this.accept(socket),
      );
      // Sockets still in their TLS handshake are no KafkaConnection yet; shutdown ends them too.
      tlsServer.on('connection', (socket: Socket) => {
        this.handshaking.add(socket);
        socket.once('close', () => this.handshaking.delete(socket));
      });
      tlsServer.on('tlsClientError', (err, socket: TLSSocket) => {
        options.onConnectionError(
          `${socket.remoteAddress}:${socket.remotePort}`,
          `TLS handshake failed: ${err.message}`,
        );
        socket.destroy();
      });
      this.server = tlsServer;
    } else {
      this.server = createServer((socket) => this.accept(socket));
    }
  }

  private accept(socket: Socket): void {
    const { options } = this;
    const connection = new KafkaConnection(
      this.nextConnectionId++,
      socket,
      this.dispatch,
      {
        maxFrameBytes: options.maxFrameBytes,
        maxIdleMs: options.maxIdleMs,
        maxInFlightRequests: options.maxInFlightRequests,
        queuedBytes: options.queuedBytes,
      },
      (closed, reason) => {
        this.connections.delete(closed);
        if (reason) options.onConnectionError(closed.remoteAddress, reason);
      },
      options.name,
    );
    if (options.tls) connection.certificatePrincipal = certificatePrincipal(socket as TLSSocket);
    if (options.newSaslSession) connection.sasl = options.newSaslSession(connection.remoteAddress);
    this.connections.add(connection);
  }

  /** Starts listening; resolves to the bound port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : this.options.port);
      });
    });
  }

  /** Stops accepting connections. Open connections keep running until `closeConnections`. */
  stopAccepting(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves once every open connection has answered the requests it has read. */
  async drain(): Promise<void> {
    await Promise.all([...this.connections].map((c) => c.idle()));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  closeConnections(): void {
    for (const connection of this.connections) connection.close(null);
    for (const socket of this.handshaking) socket.destroy();
  }
}
