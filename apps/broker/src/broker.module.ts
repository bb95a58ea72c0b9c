import { type DynamicModule, Module } from '@nestjs/common';
import { BrokerConfig } from './config/broker-config.js';
import type { ApiHandler } from './handlers/api-handler.js';
import { ApiVersionsHandler } from './handlers/api-versions.handler.js';
import { HealthController } from './http/health.controller.js';
import { BrokerMetrics } from './metrics/broker-metrics.js';
import { KafkaServer } from './network/kafka-server.js';
import { RequestRouter } from './network/request-router.js';

/**
 * The broker's composition root. NestJS wires configuration, metrics, the request router and the
 * HTTP endpoints; the per-request path below the router is plain code.
 */
@Module({})
export class BrokerModule {
  static forRoot(config: BrokerConfig): DynamicModule {
    return {
      module: BrokerModule,
      controllers: [HealthController],
      providers: [
        { provide: BrokerConfig, useValue: config },
        { provide: BrokerMetrics, useFactory: () => new BrokerMetrics({ partitionOffsets: () => [] }) },
        {
          provide: RequestRouter,
          inject: [BrokerMetrics],
          useFactory: (metrics: BrokerMetrics) => {
            const router = new RequestRouter(metrics);
            return router.register(new ApiVersionsHandler(() => router.supportedApis()) as ApiHandler);
          },
        },
        KafkaServer,
      ],
    };
  }
}
