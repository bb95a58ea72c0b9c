import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BrokerModule } from './broker.module.js';
import type { BrokerOptions } from './config/broker-config.js';
import { resolveConfig } from './config/load-config.js';
import { KafkaServer } from './network/kafka-server.js';
import { TopicManager } from './topics/topic-manager.js';

/** A running broker, as `startBroker` returns it. */
export interface RunningBroker {
  /** The Kafka port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** `host:port`, ready for a client's `brokers` / `bootstrap.servers`. */
  readonly bootstrapServers: string;
  /** The HTTP port of /health and /metrics, or -1 when HTTP is off. */
  readonly httpPort: number;
  /** Stops accepting, answers what is in flight, flushes and closes the logs. */
  close(): Promise<void>;
}

export interface StartBrokerOptions extends BrokerOptions {
  /** Where NestJS logs go; `false` silences them (the default for embedded brokers is Nest's logger). */
  logger?: LoggerService | false;
}

/**
 * Starts a broker in this process, for tests and embedding: `await startBroker({ port: 0,
 * httpPort: -1, dataDir })` gives a broker on a free port with no HTTP listener. Options are the
 * command line's, validated the same way.
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const { logger, ...brokerOptions } = options;
  const config = resolveConfig(brokerOptions);
  mkdirSync(config.dataDir, { recursive: true });
  const app: INestApplication = await NestFactory.create(BrokerModule.forRoot(config), {
    logger: logger === false ? false : (logger ?? undefined),
    abortOnError: false,
  });
  let httpPort = -1;
  if (config.httpPort >= 0) {
    await app.listen(config.httpPort, config.host);
    const address = app.getHttpServer().address();
    httpPort = typeof address === 'object' && address ? address.port : config.httpPort;
  } else {
    await app.init();
  }
  const server = app.get(KafkaServer);
  const port = await server.start();
  const host = config.advertisedHost ?? config.host;
  let closing: Promise<void> | undefined;
  return {
    port,
    httpPort,
    bootstrapServers: `${host}:${port}`,
    close: () => {
      closing ??= (async () => {
        await server.stop();
        await app.get(TopicManager).close();
        await app.close();
      })();
      return closing;
    },
  };
}
