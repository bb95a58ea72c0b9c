// @runnel/client as a separate program, for test/cluster-clients.compat.spec.ts, which drives it
// as it drives kcat and the Python clients (a child process that can be left running through a
// broker's SIGKILL; @runnel/client's own tests import @runnel/broker, so the broker's cannot import
// the client). Needs libs/client built.
//
//   node runnel-client.mjs produce <bootstrap servers> <topic>
//     sends "0", "1", ... to partition 0 with acks=-1 (idempotent, the defaults), one after the
//     other, printing `ok <value> <offset>` or `err <value> <message>` for each, until stdin ends;
//   node runnel-client.mjs consume <bootstrap servers> <topic>
//     reads partition 0 from offset 0 (assign mode, no group), printing `<offset> <value>` for
//     each record, until it is SIGTERMed;
//   node runnel-client.mjs metadata <bootstrap servers> <topic>
//     prints the topic's partitions as one JSON array of { partition, leader, replicas, isr }.
import { Runnel } from '@runnel/client';

const [mode, servers, topic] = process.argv.slice(2);
const runnel = new Runnel({ clientId: 'cluster-clients', brokers: servers.split(',') });
if (mode === 'produce') {
  let stopped = false;
  process.stdin.once('end', () => {
    stopped = true;
  });
  process.stdin.resume();
  const producer = runnel.producer({ acks: -1, lingerMs: 0 });
  await producer.connect();
  for (let n = 0; !stopped; n++) {
    try {
      const [result] = await producer.send({ topic, messages: [{ value: String(n), partition: 0 }] });
      process.stdout.write(`ok ${n} ${result.offset}\n`);
    } catch (err) {
      process.stdout.write(`err ${n} ${err.message}\n`);
    }
  }
  await producer.disconnect();
} else if (mode === 'consume') {
  const consumer = runnel.consumer();
  await consumer.connect();
  consumer.assign([{ topic, partition: 0, offset: 0n }]);
  await consumer.run({
    eachMessage: async ({ message }) => {
      process.stdout.write(`${message.offset} ${message.value.toString()}\n`);
    },
  });
} else if (mode === 'metadata') {
  const admin = runnel.admin();
  await admin.connect();
  const { topics } = await admin.describeTopics({ topics: [topic] });
  await admin.disconnect();
  const partitions = topics[0].partitions.map(({ partition, leader, replicas, isr }) => ({
    partition,
    leader,
    replicas,
    isr,
  }));
  process.stdout.write(`${JSON.stringify(partitions)}\n`);
} else {
  process.stderr.write(`runnel-client.mjs: mode ${mode} is not produce, consume or metadata\n`);
  process.exitCode = 2;
}
