import { RunnelError } from '../errors/runnel-error.js';
import type { BrokerAddress } from './broker-connection.js';

/**
 * Parses one `bootstrap.servers` entry: `host:port`, or `[v6-address]:port`. A bad entry is
 * refused with a message naming the option, the value and what is expected.
 */
export function parseBrokerAddress(value: string, option = 'brokers'): BrokerAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(value.trim());
  const port = match === null ? Number.NaN : Number(match[3]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RunnelError(
      `${option}: '${value}' is not a broker address; expected 'host:port' with a port from 1 to 65535`,
    );
  }
  return { host: (match[1] ?? match[2]) as string, port };
}
