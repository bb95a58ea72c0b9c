import type { BrokerConfig } from '../config/broker-config.js';

/**
 * The address clients are told to connect to (Metadata's brokers, FindCoordinator's node). The
 * port is known only once the listener is bound (it may be 0 in the config), so it is set then.
 */
export class BrokerEndpoint {
  readonly nodeId: number;
  readonly host: string;
  private boundPort = -1;

  constructor(config: BrokerConfig) {
    this.nodeId = config.nodeId;
    this.host = config.advertisedHost ?? config.host;
  }

  get port(): number {
    if (this.boundPort < 0) throw new Error('the Kafka listener is not bound yet');
    return this.boundPort;
  }

  bind(port: number): void {
    this.boundPort = port;
  }
}
