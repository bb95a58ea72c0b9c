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

/** One append as the mock logs it with `-d mock`: how many records, and the partition's log after it. */
export interface MockLogAppend {
  topic: string;
  partition: number;
  records: number;
  /** The partition's first offset still held: the mock drops its oldest batches past 5 MiB. */
  logStartOffset: number;
  logEndOffset: number;
}

/**
 * Reads the mock's line for an append,
 * `... Broker 1: Log append peers [1] 735 messages, 80847 bytes at offset 0 (log now 0..735, original start 0)`,
 * or returns undefined for every other line.
 */
export function mockLogAppend(line: string): MockLogAppend | undefined {
  const match =
    /\bLog append (\S+) \[(\d+)\] (\d+) messages, \d+ bytes at offset \d+ \(log now (\d+)\.\.(\d+),/.exec(
      line,
    );
  if (match === null) return undefined;
  return {
    topic: match[1]!,
    partition: Number(match[2]),
    records: Number(match[3]),
    logStartOffset: Number(match[4]),
    logEndOffset: Number(match[5]),
  };
}
