// A kafkajs group member for tests that must kill a consumer without it leaving its group.
// Usage: node consumer-child.mjs <bootstrap> <groupId> <topic> <sessionTimeoutMs>
// Prints one JSON line per GROUP_JOIN on stdout: {"assignment":[<partitions of topic>]}.
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, groupId, topic, sessionTimeout] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'consumer-child', brokers: [bootstrap], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({
  groupId,
  sessionTimeout: Number(sessionTimeout),
  rebalanceTimeout: 10_000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
});
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
  const assignment = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ assignment })}\n`);
});
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({ eachMessage: async () => undefined });
