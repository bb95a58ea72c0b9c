import { Runnel } from '@runnel/client';
import { KCAT, kcatMissing, measureWithKcat } from './kcat.js';
import { mockClusterBootstrap } from './mock-cluster-log.js';
import type { Peer } from './peer.js';
import { startServer } from './processes.js';
import { brokerMissing, RUNNEL_DURABILITY, startRunnelBroker } from './runnel-broker.js';
import { clientLatency } from './runnel-client.js';

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
 * librdkafka's mock cluster: an in-memory Kafka-protocol broker in C, hosted by a kcat process
 * that consumes an unrelated topic to keep it alive (`-X test.mock.num.brokers=1`); `-d mock`
 * makes it log its listener, which is the only way to learn its port. It serves no CreateTopics:
 * a topic is made when first named, with 4 partitions (its built-in count), where the other rows
 * use 1. Throughput with kcat; latency with @runnel/client (acks=1), as on the Runnel row, so the
 * two brokers are compared through the same client. The mock answers a Fetch that finds no data
 * after the request's max wait, not when a record is appended (rdkafka_mock_handlers.c says so),
 * so its latency is mostly the consumer's `maxWaitMs`.
 */
export const mockClusterPeer: Peer = {
  id: 'librdkafka_mock.kcat',
  system: 'librdkafka mock cluster',
  label: 'librdkafka mock cluster',
  client: 'kcat (librdkafka 2.0), acks=1; latency: @runnel/client, acks=1',
  durability: 'in memory only: nothing survives the process (4 partitions, its auto-create count)',
  missing: kcatMissing,
  async run(context) {
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
    );
    try {
      const bootstrap = `${host.ready.host}:${host.ready.port}`;
      const figures = await measureWithKcat(bootstrap, context);
      const runnel = new Runnel({ clientId: 'peers-bench', brokers: [bootstrap] });
      const latency = await clientLatency(runnel, 'peers-latency', 1, context);
      return { ...figures, latencyP50: latency.p50, latencyP99: latency.p99 };
    } finally {
      await host.stop();
    }
  },
};
