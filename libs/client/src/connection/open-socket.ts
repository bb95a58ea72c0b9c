import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions as TlsConnectionOptions, connect as tlsConnect } from 'node:tls';
import { ConnectionError } from '../errors/connection-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { BrokerAddress } from './broker-connection.js';

/**
 * Opens a TCP connection, or with `ssl` a TLS one (ready once its handshake is done and the
 * broker's certificate verified against `ssl.ca`, or the system's CAs), failing with
 * ConnectionError (refused, unreachable, a certificate not trusted) or TimeoutError after `timeoutMs`.
 */
export function openSocket(
  address: BrokerAddress,
  timeoutMs: number,
  ssl?: TlsConnectionOptions,
): Promise<Socket> {
  const name = `${address.host}:${address.port}`;
  return new Promise((resolve, reject) => {
    const socket = ssl
      ? tlsConnect({
          host: address.host,
          port: address.port,
          // SNI takes host names only; an IP address is checked against the certificate's IP SANs.
          ...(isIP(address.host) === 0 ? { servername: address.host } : {}),
          ...ssl,
        })
      : netConnect({ host: address.host, port: address.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new TimeoutError(
          `broker ${name}: connect did not finish within ${timeoutMs} ms (connectionTimeoutMs)`,
          timeoutMs,
        ),
      );
    }, timeoutMs);
    const onError = (err: Error): void => {
      clearTimeout(timer);
      reject(new ConnectionError(name, `connect failed: ${err.message}`, { cause: err }));
    };
    socket.once('error', onError);
    socket.once(ssl ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}
