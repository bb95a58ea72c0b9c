// Topic set-up for the request-path benches over @runnel/client's BrokerConnection (one
// connection, raw requests), so preparing a log costs no producer's batching.
import { BrokerConnection } from '@runnel/client';
import { CreateTopics, encodeRecordBatch, Produce } from '@runnel/protocol';

/** A connection to the broker on 127.0.0.1:`port` for set-up requests. */
export function connectTo(port, clientId = 'request-path-bench') {
  return BrokerConnection.connect(
    { host: '127.0.0.1', port },
    { clientId, connectTimeoutMs: 10_000, requestTimeoutMs: 60_000 },
  );
}

/** Creates one-partition topics named `names`; fails on any error code. */
export async function createTopics(port, names, numPartitions = 1) {
  const connection = await connectTo(port);
  try {
    const response = await connection.request(CreateTopics, {
      topics: names.map((name) => ({ name, numPartitions, replicationFactor: 1 })),
      timeoutMs: 10_000,
    });
    for (const topic of response.topics) {
      if (topic.errorCode !== 0) throw new Error(`CreateTopics ${topic.name}: error ${topic.errorCode}`);
    }
  } finally {
    await connection.close();
  }
}

/** One record batch of `records` values of `recordBytes` bytes each (filler, no key). */
export function recordBatch(records, recordBytes) {
  const value = Buffer.alloc(recordBytes, 0x61);
  return encodeRecordBatch({
    records: Array.from({ length: records }, () => ({ value, timestamp: Date.now() })),
  });
}

/**
 * Appends `batches` copies of `batch` to partition 0 of `topic` with Produce requests (acks 1),
 * IN_FLIGHT at a time; the broker gives each copy its own offsets.
 */
export async function appendBatches(port, topic, batch, batches) {
  const IN_FLIGHT = 8;
  const connection = await connectTo(port);
  try {
    const produce = async () => {
      const response = await connection.request(Produce, {
        acks: 1,
        timeoutMs: 30_000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
      });
      const code = response.responses[0].partitionResponses[0].errorCode;
      if (code !== 0) throw new Error(`Produce ${topic}: error ${code}`);
    };
    let next = 0;
    const sender = async () => {
      while (next++ < batches) await produce();
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
  } finally {
    await connection.close();
  }
}
