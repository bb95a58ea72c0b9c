// @runnel/client's group consumer as a separate program, for test/cluster-groups-clients.compat.spec.ts
// (the broker's tests cannot import @runnel/client, whose own tests import the broker). Needs
// libs/client built.
//
//   node runnel-group-consumer.mjs <bootstrap servers> <topic> <group> <count>
//     joins <group>, reads <topic> from its committed offsets (the earliest without one) until it
//     has <count> records, disconnects (which commits what it read and leaves the group) and
//     prints the values it read as one JSON array.
import { Runnel } from '@runnel/client';

const [servers, topic, groupId, count] = process.argv.slice(2);
const runnel = new Runnel({ clientId: 'cluster-groups', brokers: servers.split(',') });
const consumer = runnel.consumer({ groupId, sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 });
const values = [];
let enough;
const done = new Promise((resolve) => {
  enough = resolve;
});
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ message }) => {
    values.push(message.value.toString());
    if (values.length >= Number(count)) enough();
  },
});
await done;
await consumer.disconnect();
process.stdout.write(`${JSON.stringify(values)}\n`);
