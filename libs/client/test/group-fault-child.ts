// A Runnel group member for the fault spec, run as its own process so it can be SIGKILLed.
// Usage: node <bundle of this file> <bootstrap> <groupId> <topic>
// Writes `<partition> <offset>` on stdout once its handler has a record (stdout to a pipe is
// synchronous on Linux, so every line written before the kill reaches the parent), and `joined`
// once its first assignment arrived.
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer } from '../src/consumer/consumer.js';
import { Cluster } from '../src/metadata/cluster.js';
import { parseBootstrap } from './support/test-broker.js';

const [bootstrap, groupId, topic] = process.argv.slice(2) as [string, string, string];
const connection = { clientId: 'group-fault-child', connectTimeoutMs: 5_000, requestTimeoutMs: 10_000 };
const cluster = new Cluster({
  ...connection,
  brokers: [parseBootstrap(bootstrap)],
  metadataMaxAgeMs: 300_000,
  reconnectBackoffMs: 50,
  reconnectBackoffMaxMs: 1_000,
  allowAutoTopicCreation: false,
});
const consumer = new Consumer(
  cluster,
  {
    groupId,
    sessionTimeoutMs: 3_000,
    heartbeatIntervalMs: 100,
    rebalanceTimeoutMs: 10_000,
    autoCommitIntervalMs: 100,
    maxWaitMs: 100,
  },
  connection,
);
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    process.stdout.write(`${partition} ${message.offset}\n`);
    // Slow enough that the parent's SIGKILL lands mid-batch, with commits behind the handler.
    await sleep(1);
  },
});
process.stdout.write('joined\n');
