import { createServer, type Server } from 'node:net';
import { type Dispatch, KafkaConnection } from './kafka-connection.js';
import { QueuedRequestBytes } from './queued-request-bytes.js';

export interface ListenerOptions {
  host: string;
  port: number;
  /** `socket.request.max.bytes`: a larger request closes its connection. */
  maxFrameBytes: number;
  /** `connections.max.idle.ms`: a connection silent for this long is closed. */
  maxIdleMs: number;
  /** `queuedMaxRequestsPerConnection`: requests in flight on one connection before it stops reading. */
  maxInFlightRequests: number;
  /** `queued.max.request.bytes`: request bytes queued broker-wide before every connection stops reading (-1: no budget). */
  queuedMaxRequestBytes: number;
  dispatch: Dispatch;
  /** Called when a connection closes for a reason other than the client hanging up. */
  onConnectionError: (remoteAddress: string, reason: string) => void;
}

/** The Kafka-protocol TCP listener: plain `net` sockets, one KafkaConnection per client. */
export class KafkaListener {
  private readonly server: Server;
  private readonly connections = new Set<KafkaConnection>();
  private nextConnectionId = 0;
  /** The broker-wide budget of request bytes, shared by every connection. */
  readonly queuedBytes: QueuedRequestBytes;

  constructor(private readonly options: ListenerOptions) {
    this.queuedBytes = new QueuedRequestBytes(options.queuedMaxRequestBytes);
    this.server = createServer((socket) => {
      const connection = new KafkaConnection(
        this.nextConnectionId++,
        socket,
        options.dispatch,
        {
          maxFrameBytes: options.maxFrameBytes,
          maxIdleMs: options.maxIdleMs,
          maxInFlightRequests: options.maxInFlightRequests,
          queuedBytes: this.queuedBytes,
        },
        (closed, reason) => {
          this.connections.delete(closed);
          if (reason) options.onConnectionError(closed.remoteAddress, reason);
        },
      );
      this.connections.add(connection);
    });
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
  }
}
