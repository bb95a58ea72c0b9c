import { createServer, type Server } from 'node:net';
import type { BrokerConfig } from '../config/broker-config.js';
import { optionFlag, optionVariable } from '../config/load-config.js';
import { brokerListeners } from '../network/listener-spec.js';
import { BrokerStartupError } from './startup-error.js';

type PortOption = 'port' | 'httpPort';

const WHAT: Record<PortOption, { label: string; choices: string }> = {
  port: { label: 'Kafka port', choices: '0 picks a free port' },
  httpPort: { label: 'HTTP port', choices: '0 picks a free port, -1 turns HTTP off' },
};

/**
 * The error a failed listen on `host:port` becomes: which port, why, and the flag that changes
 * it. EADDRINUSE and EACCES name the port's option; EADDRNOTAVAIL names `--host`.
 */
export function listenError(
  option: PortOption,
  host: string,
  port: number,
  cause: NodeJS.ErrnoException,
): BrokerStartupError {
  const { label, choices } = WHAT[option];
  const change = `choose another with ${optionFlag(option)} (${optionVariable(option)}; ${choices})`;
  switch (cause.code) {
    case 'EADDRINUSE':
      return new BrokerStartupError(
        `${label} ${port} is already in use on ${host}: stop what listens there or ${change}`,
        option,
        { cause },
      );
    case 'EACCES':
      return new BrokerStartupError(
        `${label} ${port} on ${host} needs privileges this user does not have: ${change}`,
        option,
        { cause },
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new BrokerStartupError(
        `host ${host} is not an address of this machine: give ${optionFlag('host')} (${optionVariable('host')}) one of its addresses`,
        'host',
        { cause },
      );
    default:
      return new BrokerStartupError(
        `cannot listen on ${host}:${port} (${label}, ${optionFlag(option)}): ${cause.message}`,
        option,
        { cause },
      );
  }
}

/**
 * Checks, before the data directory is touched, that the Kafka listeners' and HTTP ports can be bound, by
 * binding each (both at once, so the same port given twice is caught too) and letting go. Ports
 * 0 and -1 need no check. Another process can still take a port before the broker binds it; that
 * later failure is reported the same way, once the logs opened meanwhile are closed again.
 */
export async function checkListenPorts(config: BrokerConfig): Promise<void> {
  const wanted: [PortOption, string, number][] = [
    ...brokerListeners(config).map((l): [PortOption, string, number] => ['port', l.host, l.port]),
    ['httpPort', config.host, config.httpPort],
  ];
  const bound: Server[] = [];
  try {
    for (const [option, host, port] of wanted) {
      if (port <= 0) continue;
      bound.push(
        await bind(host, port).catch((cause) => Promise.reject(listenError(option, host, port, cause))),
      );
    }
  } finally {
    await Promise.all(bound.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

function bind(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}
