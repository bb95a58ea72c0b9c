import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/**
 * librdkafka's mock Kafka cluster (`rdkafka_mock*.c`), a broker implementation nobody here wrote,
 * as Debian's kcat 1.7.1 with librdkafka 2.0.2 brings it. It lives inside a kcat process: with
 * `test.mock.num.brokers=N` librdkafka starts N mock brokers on 127.0.0.1 (ephemeral ports), points
 * that kcat's own consumer at them, and prints their addresses in its `-d mock` debug log:
 *
 *   `... Mock cluster mockCluster156b... bootstrap.servers=127.0.0.1:38691,127.0.0.1:40113`
 *
 * The cluster lasts exactly as long as that kcat runs, so kcat is started as a consumer of a topic
 * of its own ({@link MOCK_KEEPALIVE_TOPIC}) that nobody writes to, and killed by `close()`.
 *
 * What librdkafka 2.0.2's mock serves (its `rd_kafka_mock_api_handlers` table): Produce v0-7,
 * Fetch v0-11, ListOffsets v0-5, Metadata v0-2, OffsetCommit v0-7, OffsetFetch v0-5,
 * FindCoordinator v0-2, InitProducerId v0-4, JoinGroup v0-5, SyncGroup v0-3, Heartbeat v0-3,
 * LeaveGroup v0-1, the transaction APIs, and ApiVersions v0-2 (a v3 request gets
 * UNSUPPORTED_VERSION with only ApiVersions' own range, as KIP-511 says). Nothing else: no
 * CreateTopics, DeleteTopics, CreatePartitions, DeleteRecords, DescribeConfigs, ListGroups,
 * DescribeGroups, DeleteGroups. Metadata creates any unknown topic it is asked for (when the
 * request allows auto-creation) with {@link MOCK_DEFAULT_PARTITIONS} partitions and replication
 * factor min(3, N); no configuration property changes that. Idempotent producers are checked
 * (per-partition windows of 5 sequence ranges, as Kafka). Groups: the classic protocol, the
 * leader assigns; the first join of a group waits 3 s (the mock's fixed initial rebalance delay).
 *
 * kcat's stderr is read to its end (`-d mock` names every request, and an unread pipe would stall
 * kcat once full); the last {@link LOG_LINES_KEPT} lines are kept for failure messages.
 */
export interface MockCluster {
  /** `bootstrap.servers` of the mock: `host:port,host:port,...`, broker 1 first. */
  readonly bootstrap: string;
  /** The same, one entry per broker, for `new Runnel({ brokers })`. */
  readonly brokers: string[];
  /** The most recent lines of the mock's debug log (for a failure message). */
  recentLog(): string;
  /** Stops the kcat that holds the cluster and waits for it to exit. Idempotent. */
  close(): Promise<void>;
}

export interface MockClusterOptions {
  /** `test.mock.num.brokers`: how many mock brokers (default 3). */
  brokers?: number;
  /** How long to wait for the mock to print its addresses before giving up (default 10000). */
  startTimeoutMs?: number;
}

/** The topic the kcat that holds the cluster consumes; it shows in the mock's metadata too. */
export const MOCK_KEEPALIVE_TOPIC = 'mock-cluster-keepalive';

/** Partitions of every topic the mock creates (`mcluster->defaults.partition_cnt` in 2.0.2). */
export const MOCK_DEFAULT_PARTITIONS = 4;

const LOG_LINES_KEPT = 200;
const BOOTSTRAP_LINE = /Mock cluster \S+ bootstrap\.servers=(\S+)/;

/**
 * Starts a mock cluster of `options.brokers` brokers (or `brokers` given as a number) and resolves
 * once it listens, with the addresses its debug log names.
 */
export async function startMockCluster(options: MockClusterOptions | number = {}): Promise<MockCluster> {
  const { brokers: brokerCount = 3, startTimeoutMs = 10_000 } =
    typeof options === 'number' ? { brokers: options } : options;
  const child = spawn(
    'kcat',
    [
      '-b',
      'mock',
      '-X',
      `test.mock.num.brokers=${brokerCount}`,
      '-d',
      'mock',
      '-C',
      '-t',
      MOCK_KEEPALIVE_TOPIC,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = once(child, 'exit');
  // A spawn failure rejects `exited` too; it is reported through `fail` below.
  exited.catch(() => undefined);

  const log: string[] = [];
  const recentLog = () => log.join('\n');
  const lines = createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY });

  const bootstrap = await new Promise<string>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`librdkafka's mock cluster: ${why}\n--- kcat stderr ---\n${recentLog()}`));
    };
    const timer = setTimeout(
      () => fail(`no bootstrap.servers in the log within ${startTimeoutMs} ms`),
      startTimeoutMs,
    );
    lines.on('line', (line) => {
      log.push(line);
      if (log.length > LOG_LINES_KEPT) log.shift();
      const match = BOOTSTRAP_LINE.exec(line);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    // After the address is known these reject a settled promise: a no-op.
    child.once('error', (err) => fail(`kcat could not be started: ${err.message}`));
    child.once('exit', (code, signal) => fail(`kcat exited (code ${code}, signal ${signal})`));
  });

  let closing: Promise<void> | undefined;
  return {
    bootstrap,
    brokers: bootstrap.split(','),
    recentLog,
    close: () => {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        lines.close();
      })();
      return closing;
    },
  };
}
