// What the consume benches share: a topic preloaded with raw Produce requests (so no producer of
// ours is measured or warmed by it), the broker's CPU time from its /metrics, and @runnel/client's
// read of the topic. The client and protocol are imported only by the preload; `runConsumer` is
// handed its consumer, so an A/B variant running another build of the client loads no second one.
import { randomBytes } from 'node:crypto';

/** The broker's process_cpu_seconds_total, in ms. */
export async function brokerCpuMs(httpPort) {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total '));
  if (!line) throw new Error('no process_cpu_seconds_total in the broker /metrics');
  return Number(line.slice(line.lastIndexOf(' ') + 1)) * 1000;
}

/**
 * Creates `topic` with `partitions` partitions and writes `records` records of `recordBytes`
 * random bytes to it, spread evenly, in batches of `batchRecords`: raw Produce requests at acks 1,
 * 16 in flight.
 */
export async function preloadTopic(
  port,
  { topic, partitions, records, recordBytes, batchRecords, clientId },
) {
  const { CreateTopics, encodeRecordBatch, Produce } = await import('@runnel/protocol');
  const { BrokerConnection } = await import('../../dist/index.js');
  const connection = await BrokerConnection.connect(
    { host: '127.0.0.1', port },
    { clientId, connectTimeoutMs: 10_000, requestTimeoutMs: 60_000 },
  );
  const created = await connection.request(CreateTopics, {
    topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1 }],
    timeoutMs: 10_000,
  });
  if (created.topics[0].errorCode !== 0)
    throw new Error(`CreateTopics: error ${created.topics[0].errorCode}`);
  const pool = randomBytes(batchRecords * recordBytes);
  const batch = await encodeRecordBatch({
    records: Array.from({ length: batchRecords }, (_, i) => ({
      value: pool.subarray(i * recordBytes, (i + 1) * recordBytes),
      timestamp: Date.now(),
    })),
  });
  const inFlight = [];
  for (let b = 0; b < records / batchRecords / partitions; b++) {
    for (let partition = 0; partition < partitions; partition++) {
      inFlight.push(
        connection
          .request(Produce, {
            acks: 1,
            timeoutMs: 30_000,
            topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
          })
          .then((response) => {
            const code = response.responses[0].partitionResponses[0].errorCode;
            if (code !== 0) throw new Error(`Produce: error ${code}`);
          }),
      );
      if (inFlight.length >= 16) await Promise.all(inFlight.splice(0));
    }
  }
  await Promise.all(inFlight);
  await connection.close();
}

/**
 * Runs `consumer` (already assigned) with `eachBatch` or `eachMessage`, `partitions` partitions
 * at once, telling `onRecords(count, valueBytes)` of every batch or message it is handed.
 */
export function runConsumer(consumer, style, partitions, onRecords) {
  if (style === 'eachBatch') {
    return consumer.run({
      partitionsConsumedConcurrently: partitions,
      eachBatch: async ({ batch }) => {
        let size = 0;
        for (const message of batch.messages) size += message.value.length;
        onRecords(batch.messages.length, size);
      },
    });
  }
  return consumer.run({
    partitionsConsumedConcurrently: partitions,
    eachMessage: async ({ message }) => onRecords(1, message.value.length),
  });
}
