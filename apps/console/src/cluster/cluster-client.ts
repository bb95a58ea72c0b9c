import { readFileSync } from 'node:fs';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type Admin, type Producer, Runnel, type RunnelOptions } from '@runnel/client';
import { CONSOLE_CONFIG } from '../console.tokens.js';
import type { ConsoleConfig } from '../console-config.js';

/** @runnel/client's `ssl` and `sasl` for the console's `--security-protocol` and its settings. */
function clientSecurity(config: ConsoleConfig): Pick<RunnelOptions, 'ssl' | 'sasl'> {
  const protocol = config.securityProtocol;
  const tls = protocol === 'SSL' || protocol === 'SASL_SSL';
  return {
    ...(tls && { ssl: config.sslCaFile ? { ca: [readFileSync(config.sslCaFile)] } : true }),
    ...(protocol.startsWith('SASL_') && {
      sasl: {
        mechanism: config.saslMechanism.toLowerCase() as NonNullable<RunnelOptions['sasl']>['mechanism'],
        username: config.saslUsername ?? '',
        password: config.saslPassword ?? '',
      },
    }),
  };
}

/**
 * The console's one Runnel client: an admin for everything it shows and changes, a producer for
 * "produce a message", and consumers made on demand for browsing (they share its connections).
 * Timeouts are shorter than the client's defaults so that a broker that is down is an error on
 * the page within seconds, not a page that hangs for half a minute.
 */
@Injectable()
export class ClusterClient implements OnModuleDestroy {
  readonly runnel: Runnel;
  readonly admin: Admin;
  private producerConnected: Promise<Producer> | undefined;

  constructor(@Inject(CONSOLE_CONFIG) config: ConsoleConfig) {
    this.runnel = new Runnel({
      clientId: 'runnel-console',
      brokers: [...config.bootstrapServers],
      connectionTimeoutMs: 3_000,
      requestTimeoutMs: 10_000,
      allowAutoTopicCreation: false,
      ...clientSecurity(config),
    });
    this.admin = this.runnel.admin({ retries: 2 });
  }

  /** The admin, connected (again, after the broker came back). */
  async connectedAdmin(): Promise<Admin> {
    await this.admin.connect();
    return this.admin;
  }

  /** The producer, connected on first use. */
  producer(): Promise<Producer> {
    if (this.producerConnected === undefined) {
      const connecting = (async () => {
        const producer = this.runnel.producer({ lingerMs: 0 });
        await producer.connect();
        return producer;
      })();
      // A failed connect (the broker down) is tried again by the next produce.
      connecting.catch(() => {
        if (this.producerConnected === connecting) this.producerConnected = undefined;
      });
      this.producerConnected = connecting;
    }
    return this.producerConnected;
  }

  async onModuleDestroy(): Promise<void> {
    const producer = await this.producerConnected?.catch(() => undefined);
    await producer?.disconnect();
    await this.admin.disconnect();
  }
}
