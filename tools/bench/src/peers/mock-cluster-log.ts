/**
 * librdkafka's mock cluster (`test.mock.num.brokers`) announces its listener once, at debug level
 * with `-d mock`, on the line
 * `%7|1796158217.377|MOCK|rdkafka#consumer-1| [thrd:app]: Mock cluster mockCluster15797ad322e0 bootstrap.servers=127.0.0.1:45625`.
 * Returns the bootstrap address of such a line (the first broker when it lists several), or
 * undefined for every other line.
 */
export function mockClusterBootstrap(line: string): { host: string; port: number } | undefined {
  const match = /\bMock cluster \S+ bootstrap\.servers=([^\s,:]+):(\d+)/.exec(line);
  if (match === null) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1]!, port };
}
