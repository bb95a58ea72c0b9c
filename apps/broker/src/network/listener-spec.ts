/** Kafka's security protocols (`listener.security.protocol.map` values). */
export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/**
 * One entry of `listeners`: the listener's name (here always its security protocol, as in
 * Kafka's default `listener.security.protocol.map`), where it binds, and where clients are told
 * to connect (`advertised.listeners`, defaulting to the bound address). Port 0 binds a free port,
 * which is then advertised.
 */
export interface ListenerSpec {
  readonly name: SecurityProtocol;
  readonly host: string;
  readonly port: number;
  readonly advertisedHost: string;
  /** -1: advertise the port actually bound. */
  readonly advertisedPort: number;
}

export const usesTls = (protocol: SecurityProtocol): boolean => protocol === 'SSL' || protocol === 'SASL_SSL';
export const usesSasl = (protocol: SecurityProtocol): boolean => protocol.startsWith('SASL_');

/** A `listeners` or `advertised.listeners` value that does not parse; the message says which entry and why. */
export class ListenerSpecError extends Error {
  override readonly name = 'ListenerSpecError';
}

interface Endpoint {
  name: SecurityProtocol;
  host: string;
  port: number;
}

/**
 * Parses Kafka's `NAME://host:port[,NAME://host:port...]` (host may be empty for every address,
 * `0.0.0.0`, or a bracketed IPv6 address). Each name appears at most once.
 */
export function parseEndpoints(option: string, text: string): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const entry of text.split(',').map((e) => e.trim())) {
    const match = /^([A-Z_]+):\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s]*):(\d{1,5})$/.exec(entry);
    if (!match) {
      throw new ListenerSpecError(`${option}: ${JSON.stringify(entry)} is not NAME://host:port`);
    }
    const [, name, rawHost, rawPort] = match as unknown as [string, string, string, string];
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(name)) {
      throw new ListenerSpecError(
        `${option}: listener ${name} is not one of the security protocols ${SECURITY_PROTOCOLS.join(', ')}`,
      );
    }
    const port = Number(rawPort);
    if (port > 65535) throw new ListenerSpecError(`${option}: port ${port} of ${name} is above 65535`);
    if (endpoints.some((e) => e.name === name)) {
      throw new ListenerSpecError(`${option}: listener ${name} appears twice`);
    }
    const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
    endpoints.push({ name: name as SecurityProtocol, host, port });
  }
  return endpoints;
}

/**
 * The broker's listeners: those of `listeners` when it is set, each advertised as
 * `advertisedListeners` says (a listener it leaves out is advertised at its bound address, with
 * an empty or wildcard host replaced by `fallbackHost`); otherwise the one PLAINTEXT listener of
 * `--host`/`--port`/`--advertised-host`.
 */
export function brokerListeners(options: {
  listeners?: string | undefined;
  advertisedListeners?: string | undefined;
  host: string;
  port: number;
  advertisedHost?: string | undefined;
}): ListenerSpec[] {
  const { host, port } = options;
  if (!options.listeners) {
    if (options.advertisedListeners) {
      throw new ListenerSpecError('advertisedListeners: needs listeners to name what it advertises');
    }
    const advertisedHost = options.advertisedHost ?? host;
    return [{ name: 'PLAINTEXT', host, port, advertisedHost, advertisedPort: -1 }];
  }
  const bound = parseEndpoints('listeners', options.listeners);
  const advertised = options.advertisedListeners
    ? parseEndpoints('advertisedListeners', options.advertisedListeners)
    : [];
  for (const a of advertised) {
    if (!bound.some((b) => b.name === a.name)) {
      throw new ListenerSpecError(`advertisedListeners: ${a.name} is not one of listeners`);
    }
  }
  return bound.map((b) => {
    const a = advertised.find((e) => e.name === b.name);
    const wildcard = b.host === '' || b.host === '0.0.0.0' || b.host === '::';
    return {
      name: b.name,
      host: b.host === '' ? '0.0.0.0' : b.host,
      port: b.port,
      advertisedHost: a?.host || (wildcard ? (options.advertisedHost ?? host) : b.host),
      advertisedPort: a ? a.port : -1,
    };
  });
}
