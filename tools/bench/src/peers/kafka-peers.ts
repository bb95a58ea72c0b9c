import { Runnel } from '@runnel/client';
import { KCAT, kcatMissing, measureWithKcat } from './kcat.js';
import { mockClusterBootstrap, mockLogAppend } from './mock-cluster-log.js';
import type { Peer } from './peer.js';
import { startServer } from './processes.js';
import { brokerMissing, RUNNEL_DURABILITY, startRunnelBroker } from './runnel-broker.js';
import { clientLatency } from './runnel-client.js';
import { deferred } from './throughput.js';

/** Creates `topic` with one partition through @runnel/client's admin. */
async function createTopic(runnel: Runnel, topic: string): Promise<void> {
  const admin = runnel.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Runnel driven by kcat: the same broker as the @runnel/client rows, librdkafka as the client.
 * Throughput only (see measureWithKcat for why kcat gives no latency); the @runnel/client rows
 * give this broker's.
 */
export const runnelKcatPeer: Peer = {
  id: 'runnel.kcat.acks_1',
  system: 'Runnel',
  label: 'Runnel, kcat acks=1',
  client: 'kcat (librdkafka 2.0), acks=1',
  durability: RUNNEL_DURABILITY.acks1,
  missing: () => brokerMissing() ?? kcatMissing(),
  async run(context) {
    const broker = await startRunnelBroker(context.dataDir);
    try {
      const bootstrap = `127.0.0.1:${broker.ready}`;
      await createTopic(new Runnel({ clientId: 'peers-bench', brokers: [bootstrap] }), 'peers');
      return await measureWithKcat(bootstrap, context);
    } finally {
      await broker.stop();
    }
  },
};

/**
 * What the mock's partitions of `topic` hold, followed from its append log lines: `held()`
 * resolves, once appends of `expected` records have been logged, with the records still held
 * (the mock keeps the last 5 MiB or 100,000 batches of a partition, rdkafka_mock.c).
 */
class MockPartitionLogs {
  private readonly ranges = new Map<number, { start: number; end: number }>();
  private appended = 0;
  private readonly all = deferred<number>();

  constructor(
    private readonly topic: string,
    private readonly expected: number,
  ) {}

  read(line: string): void {
    const append = mockLogAppend(line);
    if (append?.topic !== this.topic) return;
    this.ranges.set(append.partition, { start: append.logStartOffset, end: append.logEndOffset });
    this.appended += append.records;
    if (this.appended >= this.expected) {
      let held = 0;
      for (const { start, end } of this.ranges.values()) held += end - start;
      this.all.resolve(held);
    }
  }

  held(): Promise<number> {
    return this.all.promise;
  }
}

/**
 * librdkafka's mock cluster: an in-memory Kafka-protocol broker in C, hosted by a kcat process
 * that consumes an unrelated topic to keep it alive (`-X test.mock.num.brokers=1`); `-d mock`
 * makes it log its listener, which is the only way to learn its port. It serves no CreateTopics:
 * a topic is made when first named, with 4 partitions (its built-in count), where the other rows
 * use 1. It keeps only the last 5 MiB of each partition, so the consume figure is over the
 * records it still held after the produce (followed from its log). Throughput with kcat; latency with @runnel/client (acks=1), as on the Runnel row, so the
 * two brokers are compared through the same client. The mock answers a Fetch that finds no data
 * after the request's max wait, not when a record is appended (rdkafka_mock_handlers.c says so),
 * so its latency is mostly the consumer's `maxWaitMs`.
 */
export const mockClusterPeer: Peer = {
  id: 'librdkafka_mock.kcat',
  system: 'librdkafka mock cluster',
  label: 'librdkafka mock cluster',
  client: 'kcat (librdkafka 2.0), acks=1; latency: @runnel/client, acks=1',
  durability:
    'in memory only, the last 5 MiB of each partition (consume reads those); 4 partitions, its auto-create count',
  missing: kcatMissing,
  async run(context) {
    const log = new MockPartitionLogs('peers', context.workload.records);
    const host = await startServer(
      KCAT,
      [
        '-b',
        '127.0.0.1:1',
        '-X',
        'test.mock.num.brokers=1',
        '-d',
        'mock',
        '-C',
        '-t',
        'mock-keepalive',
        '-q',
      ],
      mockClusterBootstrap,
      (line) => log.read(line),
    );
    try {
      const bootstrap = `${host.ready.host}:${host.ready.port}`;
      const figures = await measureWithKcat(bootstrap, context, () => log.held());
      const runnel = new Runnel({ clientId: 'peers-bench', brokers: [bootstrap] });
      const latency = await clientLatency(runnel, 'peers-latency', 1, context);
      return { ...figures, latencyP50: latency.p50, latencyP99: latency.p99 };
    } finally {
      await host.stop();
    }
  },
};
