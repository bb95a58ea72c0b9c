import { type Acks, Runnel } from '@runnel/client';
import { measureLatency } from './latency.js';
import type { Figures, Peer, PeerContext } from './peer.js';
import { brokerMissing, RUNNEL_DURABILITY, startRunnelBroker } from './runnel-broker.js';
import { deferred, sendWindowed, timed } from './throughput.js';
import { sequenceOf } from './workload.js';

/** Records per send() call and calls outstanding in the throughput phase (as the client's produce bench). */
const MESSAGES_PER_SEND = 1000;
const SENDS_IN_FLIGHT = 32;

/**
 * Runnel driven by @runnel/client, every producer and consumer option at its default except
 * `acks` (and `idempotent`, which Kafka ties to acks=-1). Throughput: the workload to a topic of
 * one partition, then read back from offset 0 by an assign-mode consumer through `eachBatch`.
 * Latency: clientLatency below.
 */
export function runnelClientPeer(acks: Extract<Acks, 1 | -1>): Peer {
  return {
    id: acks === 1 ? 'runnel.client.acks_1' : 'runnel.client.acks_all',
    system: 'Runnel',
    label: acks === 1 ? 'Runnel, @runnel/client acks=1' : 'Runnel, @runnel/client acks=-1',
    client: acks === 1 ? '@runnel/client, acks=1' : '@runnel/client, acks=-1, idempotent',
    durability: acks === 1 ? RUNNEL_DURABILITY.acks1 : RUNNEL_DURABILITY.acksAll,
    missing: brokerMissing,
    async run(context) {
      const broker = await startRunnelBroker(context.dataDir);
      try {
        return await measure(`127.0.0.1:${broker.ready}`, acks, context);
      } finally {
        await broker.stop();
      }
    },
  };
}

async function measure(bootstrap: string, acks: 1 | -1, context: PeerContext): Promise<Figures> {
  const { workload } = context;
  const runnel = new Runnel({ clientId: 'peers-bench', brokers: [bootstrap] });
  const admin = runnel.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        { topic: 'peers', numPartitions: 1 },
        { topic: 'peers-latency', numPartitions: 1 },
      ],
    });
    const producer = runnel.producer({ acks, idempotent: acks === -1 });
    await producer.connect();
    const sends = Math.ceil(workload.records / MESSAGES_PER_SEND);
    const messagesOf = (call: number) => {
      const messages = [];
      const end = Math.min(workload.records, (call + 1) * MESSAGES_PER_SEND);
      for (let i = call * MESSAGES_PER_SEND; i < end; i++) messages.push({ value: workload.record(i) });
      return messages;
    };
    const calls = Array.from({ length: sends }, (_, call) => messagesOf(call));
    const produce = await timed(workload.records, () =>
      sendWindowed(sends, SENDS_IN_FLIGHT, (call) =>
        producer.send({ topic: 'peers', messages: calls[call]! }),
      ),
    );
    await producer.disconnect();
    const [stored] = await admin.fetchTopicOffsets('peers');
    if (stored?.high !== BigInt(workload.records))
      throw new Error(`topic peers holds ${stored?.high} records after ${workload.records} were produced`);

    const consumer = runnel.consumer();
    await consumer.connect();
    const all = deferred();
    let seen = 0;
    consumer.assign([{ topic: 'peers', partition: 0, offset: 0n }]);
    const consume = await timed(workload.records, async () => {
      await consumer.run({
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          if (seen >= workload.records) all.resolve();
        },
      });
      await all.promise;
    });
    await consumer.disconnect();
    if (seen !== workload.records) throw new Error(`consumer read ${seen} records of ${workload.records}`);

    const latency = await clientLatency(runnel, 'peers-latency', acks, context);
    return { produce, consume, latencyP50: latency.p50, latencyP99: latency.p99 };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Latency through @runnel/client on `topic`: a producer with `lingerMs: 0` sending each record on
 * its own as it falls due, an assign-mode consumer of every partition from offset 0 on
 * `eachMessage`, other options at their defaults.
 */
export function clientLatency(
  runnel: Runnel,
  topic: string,
  acks: 1 | -1,
  context: PeerContext,
): Promise<{ p50: number; p99: number }> {
  return measureLatency(context, async (sink) => {
    const sender = runnel.producer({ acks, idempotent: acks === -1, lingerMs: 0 });
    const receiver = runnel.consumer();
    await sender.connect();
    await receiver.connect();
    // From Metadata alone (which creates the topic where the broker auto-creates): the mock's
    // ListOffsets v5 answer does not decode.
    await runnel.cluster.metadata([topic]);
    const partitions = runnel.cluster.partitionCount(topic);
    if (partitions === undefined) throw new Error(`no metadata for topic ${topic}`);
    receiver.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0n })));
    await receiver.run({ eachMessage: async ({ message }) => sink.received(sequenceOf(message.value!)) });
    return {
      send(records) {
        for (const value of records) sender.send({ topic, value }).catch(sink.fail);
      },
      async close() {
        await sender.disconnect();
        await receiver.disconnect();
      },
    };
  });
}
