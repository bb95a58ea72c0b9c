import { Controller, Get, Header, Inject } from '@nestjs/common';
import { BrokerMetrics } from '../metrics/broker-metrics.js';
import { KafkaServer } from '../network/kafka-server.js';

/** `GET /health`: 200 with the listener's state while the broker serves Kafka clients. */
@Controller()
export class HealthController {
  constructor(
    @Inject(KafkaServer) private readonly server: KafkaServer,
    @Inject(BrokerMetrics) private readonly metrics: BrokerMetrics,
  ) {}

  @Get('health')
  health(): { status: 'ok'; port: number; connections: number } {
    return { status: 'ok', port: this.server.port, connections: this.server.connectionCount };
  }

  /** Prometheus text exposition of the broker's metrics. */
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.render();
  }
}
