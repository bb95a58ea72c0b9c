import { connect as netConnect, type Socket } from 'node:net';
import { ConnectionError } from '../errors/connection-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { BrokerAddress } from './broker-connection.js';

/** Opens a TCP connection, failing with ConnectionError (refused, unreachable) or TimeoutError after `timeoutMs`. */
export function openSocket(address: BrokerAddress, timeoutMs: number): Promise<Socket> {
  const name = `${address.host}:${address.port}`;
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address.host, port: address.port });
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
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}
