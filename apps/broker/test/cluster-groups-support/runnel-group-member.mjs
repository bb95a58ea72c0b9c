// @runnel/client as a live group member, for test/cluster-groups-clients.compat.spec.ts (the
// broker's tests cannot import @runnel/client, whose own tests import the broker). Needs
// libs/client built.
//
//   node runnel-group-member.mjs <bootstrap servers> <topic> <group> <count>
//     joins <group>, reads <topic> from its committed offsets (the earliest without one), prints
//     each value on a line as it is handed over, commits every 200 ms, and once it has <count>
//     records disconnects (which commits what it read and leaves the group) and exits 0.
import { Runnel } from '@runnel/client';

const [servers, topic, groupId, count] = process.argv.slice(2);
const runnel = new Runnel({ clientId: 'cluster-groups-live', brokers: servers.split(',') });
const consumer = runnel.consumer({
  groupId,
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 500,
  autoCommitIntervalMs: 200,
});
let read = 0;
let enough;
const done = new Promise((resolve) => {
  enough = resolve;
});
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ message }) => {
    process.stdout.write(`${message.value.toString()}\n`);
    if (++read >= Number(count)) enough();
  },
});
await done;
await consumer.disconnect();
