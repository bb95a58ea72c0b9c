import type { BrokerRegistration } from '../cluster/cluster-keys.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { brokerListeners, type ListenerSpec } from './listener-spec.js';

/** Where one listener tells clients to connect. */
export interface AdvertisedAddress {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/**
 * The addresses clients are told to connect to (Metadata's brokers, FindCoordinator's node), one
 * per listener: a client is answered with the address of the listener its request came in on, so
 * a client of the SASL_SSL listener is never sent to the PLAINTEXT one. A port is known only once
 * its listener is bound (it may be 0 in the config), so it is set then. `host` and `port` are
 * those of the first listener, the one a cluster registers and `bootstrapServers` names.
 */
export class BrokerEndpoint {
  readonly nodeId: number;
  readonly listeners: readonly ListenerSpec[];
  private readonly boundPorts = new Map<string, number>();

  constructor(config: BrokerConfig) {
    this.nodeId = config.nodeId;
    this.listeners = brokerListeners(config);
  }

  get host(): string {
    return this.listeners[0]!.advertisedHost;
  }

  get port(): number {
    return this.advertised(this.listeners[0]!.name).port;
  }

  advertised(listenerName: string): AdvertisedAddress {
    const listener = this.listeners.find((l) => l.name === listenerName);
    if (!listener) throw new Error(`no listener named ${listenerName}`);
    if (listener.advertisedPort >= 0)
      return { nodeId: this.nodeId, host: listener.advertisedHost, port: listener.advertisedPort };
    const port = this.boundPorts.get(listenerName);
    if (port === undefined) throw new Error(`the ${listenerName} listener is not bound yet`);
    return { nodeId: this.nodeId, host: listener.advertisedHost, port };
  }

  /**
   * What a cluster registers of this broker once every listener is bound: the address of the
   * inter-broker listener (`interBrokerListenerName`, default the first) as its host and port,
   * and every listener's advertised address and security protocol.
   */
  registration(interBrokerListenerName: string = this.listeners[0]!.name): BrokerRegistration {
    const listeners = this.listeners.map((l) => {
      const { host, port } = this.advertised(l.name);
      return { name: l.name, host, port, securityProtocol: l.name };
    });
    const { host, port } = this.advertised(interBrokerListenerName);
    return { host, port, listeners };
  }

  bind(listenerName: string, port: number): void {
    this.boundPorts.set(listenerName, port);
  }
}
