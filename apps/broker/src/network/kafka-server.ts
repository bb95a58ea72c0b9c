import { readFileSync } from 'node:fs';
import { createSecureContext, type TlsOptions } from 'node:tls';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BrokerConfig } from '../config/broker-config.js';
import { optionFlag } from '../config/load-config.js';
import { BrokerMetrics } from '../metrics/broker-metrics.js';
import { BrokerAuthentication } from '../security/authentication/broker-authentication.js';
import { BrokerStartupError } from '../startup/startup-error.js';
import { BrokerEndpoint } from './broker-endpoint.js';
import { KafkaListener } from './kafka-listener.js';
import { usesSasl, usesTls } from './listener-spec.js';
import { QueuedRequestBytes } from './queued-request-bytes.js';
import { RequestRouter } from './request-router.js';

/**
 * Owns the Kafka listeners' lifecycle (one per `listeners` entry, or the one of `--port`): start
 * on boot, stop accepting and drain on shutdown. Every listener shares the router and the
 * broker-wide `queued.max.request.bytes` budget.
 */
@Injectable()
export class KafkaServer {
  private readonly logger = new Logger('KafkaServer');
  private readonly listeners: { name: string; listener: KafkaListener }[];
  private readonly boundPorts = new Map<string, number>();

  constructor(
    @Inject(BrokerConfig) config: BrokerConfig,
    @Inject(RequestRouter) private readonly router: RequestRouter,
    @Inject(BrokerEndpoint) private readonly endpoint: BrokerEndpoint,
    @Inject(BrokerMetrics) metrics: BrokerMetrics,
    @Inject(BrokerAuthentication) authentication: BrokerAuthentication | null,
  ) {
    const queuedBytes = new QueuedRequestBytes(config.queuedMaxRequestBytes);
    const tls = endpoint.listeners.some((l) => usesTls(l.name)) ? tlsOptions(config) : undefined;
    this.listeners = endpoint.listeners.map((spec) => ({
      name: spec.name,
      listener: new KafkaListener({
        name: spec.name,
        host: spec.host,
        port: spec.port,
        maxFrameBytes: config.socketRequestMaxBytes,
        maxIdleMs: config.connectionsMaxIdleMs,
        maxInFlightRequests: config.queuedMaxRequestsPerConnection,
        queuedBytes,
        dispatch: router.dispatch,
        ...(usesTls(spec.name) ? { tls } : {}),
        ...(usesSasl(spec.name) && authentication
          ? {
              newSaslSession: (remote: string) =>
                authentication.newSession((user, reason) =>
                  this.logger.warn(
                    `SASL authentication failed on ${spec.name} from ${remote} as ${user === undefined ? 'an unnamed user' : `User:${user}`}: ${reason}`,
                  ),
                ),
            }
          : {}),
        onConnectionError: (remote, reason) =>
          this.logger.warn(`closed connection from ${remote} on ${spec.name}: ${reason}`),
      }),
    }));
    metrics.registerQueuedRequestBytes(queuedBytes);
  }

  /** Binds every listener; resolves to the first one's port. */
  async start(): Promise<number> {
    for (const { name, listener } of this.listeners) {
      const port = await listener.listen();
      this.boundPorts.set(name, port);
      this.endpoint.bind(name, port);
    }
    return this.port;
  }

  /** The first listener's bound port (-1 before start). */
  get port(): number {
    return this.boundPorts.get(this.listeners[0]!.name) ?? -1;
  }

  /** The port each listener is bound to, by listener name. */
  get ports(): Record<string, number> {
    return Object.fromEntries(this.boundPorts);
  }

  get connectionCount(): number {
    return this.listeners.reduce((sum, { listener }) => sum + listener.connectionCount, 0);
  }

  /** Stops accepting, lets responses in flight go out, then closes every connection. */
  async stop(): Promise<void> {
    const closed = Promise.all(this.listeners.map(({ listener }) => listener.stopAccepting()));
    await this.router.stop();
    await Promise.all(this.listeners.map(({ listener }) => listener.drain()));
    for (const { listener } of this.listeners) listener.closeConnections();
    await closed;
  }
}

/** node:tls server options from `ssl.*`: key and certificate, and the CA and client auth for client certificates. */
function tlsOptions(config: BrokerConfig): TlsOptions {
  const read = (option: 'sslKeyFile' | 'sslCertFile' | 'sslCaFile') => {
    const path = config[option]!;
    try {
      return readFileSync(path);
    } catch (cause) {
      throw new BrokerStartupError(
        `cannot read ${path} (${optionFlag(option)}): ${(cause as Error).message}`,
        option,
        { cause },
      );
    }
  };
  const options: TlsOptions = {
    key: read('sslKeyFile'),
    cert: read('sslCertFile'),
    ...(config.sslCaFile ? { ca: read('sslCaFile') } : {}),
    requestCert: config.sslClientAuth !== 'none',
    rejectUnauthorized: config.sslClientAuth === 'required',
  };
  try {
    // Fails here, at start, on a key that is not PEM or does not match its certificate.
    createSecureContext(options);
  } catch (cause) {
    throw new BrokerStartupError(
      `the TLS key and certificates (${optionFlag('sslKeyFile')} ${config.sslKeyFile}, ${optionFlag('sslCertFile')} ${config.sslCertFile}${config.sslCaFile ? `, ${optionFlag('sslCaFile')} ${config.sslCaFile}` : ''}) cannot be used: ${(cause as Error).message}`,
      'sslKeyFile',
      { cause },
    );
  }
  return options;
}
