import { Inject, Injectable, Logger } from '@nestjs/common';
import { BrokerConfig } from '../config/broker-config.js';
import { BrokerMetrics } from '../metrics/broker-metrics.js';
import { BrokerEndpoint } from './broker-endpoint.js';
import { KafkaListener } from './kafka-listener.js';
import { RequestRouter } from './request-router.js';

/** Owns the Kafka listener's lifecycle: start on boot, stop accepting and drain on shutdown. */
@Injectable()
export class KafkaServer {
  private readonly logger = new Logger('KafkaServer');
  private readonly listener: KafkaListener;
  private boundPort = -1;

  constructor(
    @Inject(BrokerConfig) config: BrokerConfig,
    @Inject(RequestRouter) private readonly router: RequestRouter,
    @Inject(BrokerEndpoint) private readonly endpoint: BrokerEndpoint,
    @Inject(BrokerMetrics) metrics: BrokerMetrics,
  ) {
    this.listener = new KafkaListener({
      host: config.host,
      port: config.port,
      maxFrameBytes: config.socketRequestMaxBytes,
      maxIdleMs: config.connectionsMaxIdleMs,
      maxInFlightRequests: config.queuedMaxRequestsPerConnection,
      queuedMaxRequestBytes: config.queuedMaxRequestBytes,
      dispatch: router.dispatch,
      onConnectionError: (remote, reason) => this.logger.warn(`closed connection from ${remote}: ${reason}`),
    });
    metrics.registerQueuedRequestBytes(this.listener.queuedBytes);
  }

  async start(): Promise<number> {
    this.boundPort = await this.listener.listen();
    this.endpoint.bind(this.boundPort);
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  get connectionCount(): number {
    return this.listener.connectionCount;
  }

  /** Stops accepting, lets responses in flight go out, then closes every connection. */
  async stop(): Promise<void> {
    const closed = this.listener.stopAccepting();
    await this.router.stop();
    await this.listener.drain();
    this.listener.closeConnections();
    await closed;
  }
}
