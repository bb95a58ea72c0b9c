import 'reflect-metadata';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BrokerModule } from './broker.module.js';
import type { ClusterMetadataStore } from './cluster/cluster-metadata-store.js';
import { ClusterNode } from './cluster/cluster-node.js';
import type { BrokerConfig, BrokerOptions } from './config/broker-config.js';
import { resolveConfig } from './config/load-config.js';
import { BrokerEndpoint } from './network/broker-endpoint.js';
import { KafkaServer } from './network/kafka-server.js';
import { lockDataDir } from './startup/data-dir.js';
import { checkListenPorts, listenError } from './startup/listen-ports.js';
import { TopicManager } from './topics/topic-manager.js';

/** A running broker, as `startBroker` returns it. */
export interface RunningBroker {
  /** The Kafka port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** The port each listener is bound to, by listener name (`{ PLAINTEXT: 9092, SASL_SSL: 9093 }`). */
  readonly ports: Readonly<Record<string, number>>;
  /** `host:port`, ready for a client's `brokers` / `bootstrap.servers`. */
  readonly bootstrapServers: string;
  /** The HTTP port of /health and /metrics, or -1 when HTTP is off. */
  readonly httpPort: number;
  /** Stops accepting, answers what is in flight, flushes and closes the logs. */
  close(): Promise<void>;
}

export interface StartBrokerOptions extends BrokerOptions {
  /**
   * Where the broker's log lines go (NestJS's, recovery reports, connection warnings): a NestJS
   * `LoggerService` (`log`, `error`, `warn`, and optionally `debug`, `verbose`, `fatal`), or
   * `false` to silence them. Default: NestJS's console logger. NestJS keeps one logger per
   * process, so the last broker started in a process decides for all of them.
   */
  logger?: LoggerService | false;
}

/**
 * Starts a broker in this process, for tests and embedding: `await startBroker({ port: 0,
 * httpPort: -1, dataDir })` gives a broker on a free port with no HTTP listener. Options are the
 * command line's, validated the same way.
 *
 * In this order, so that a broker that cannot start leaves its data directory as it found it:
 * the options are validated (ConfigError), the ports are checked free (BrokerStartupError), the
 * data directory is created if needed and locked (BrokerStartupError when it is a file or another
 * broker holds it), with `cluster` the cluster's metadata is read from etcd (BrokerStartupError
 * when etcd does not answer), and only then are files opened: meta.json, the logs (recovered after a
 * crash), `__consumer_offsets` replayed. The lock is released by `close()`, or by a failed start.
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const { logger, ...brokerOptions } = options;
  const config = resolveConfig(brokerOptions);
  await checkListenPorts(config);
  const lock = lockDataDir(config.dataDir);
  let app: INestApplication | undefined;
  let clusterStore: ClusterMetadataStore | undefined;
  try {
    clusterStore = config.cluster ? await ClusterNode.connect(config) : undefined;
    app = await NestFactory.create(BrokerModule.forRoot(config, clusterStore), {
      logger: logger === false ? false : (logger ?? undefined),
      abortOnError: false,
    });
    return await listen(app, config, lock);
  } catch (err) {
    const cluster = clusterOf(app);
    await (cluster ?? clusterStore)?.close().catch(() => undefined);
    await app
      ?.get(TopicManager)
      .close()
      .catch(() => undefined);
    await app?.close().catch(() => undefined);
    lock.release();
    throw err;
  }
}

/** The broker's cluster membership, or undefined on a single broker (or before the app exists). */
function clusterOf(app: INestApplication | undefined): ClusterNode | undefined {
  return app?.get<ClusterNode | null>(ClusterNode) ?? undefined;
}

async function listen(
  app: INestApplication,
  config: BrokerConfig,
  lock: { release(): void },
): Promise<RunningBroker> {
  let httpPort = -1;
  if (config.httpPort >= 0) {
    await app.listen(config.httpPort, config.host).catch((cause) => {
      throw listenError('httpPort', config.host, config.httpPort, cause);
    });
    const address = app.getHttpServer().address();
    httpPort = typeof address === 'object' && address ? address.port : config.httpPort;
  } else {
    await app.init();
  }
  const server = app.get(KafkaServer);
  const port = await server.start().catch((cause) => {
    throw listenError('port', config.host, config.port, cause);
  });
  // The first listener is the one bootstrapServers names.
  const endpoint = app.get(BrokerEndpoint);
  const { host, port: advertisedPort } = endpoint;
  const cluster = clusterOf(app);
  // A broker that cannot register stops listening before startBroker closes the rest.
  await cluster
    ?.register(endpoint.registration(config.interBrokerListenerName))
    .catch(async (err: unknown) => {
      await server.stop();
      throw err;
    });
  let closing: Promise<void> | undefined;
  return {
    port,
    ports: server.ports,
    httpPort,
    bootstrapServers: `${host}:${advertisedPort}`,
    close: () => {
      closing ??= (async () => {
        try {
          await server.stop();
          await cluster?.close();
          await app.get(TopicManager).close();
          await app.close();
        } finally {
          lock.release();
        }
      })();
      return closing;
    },
  };
}
