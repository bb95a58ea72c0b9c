import { Runnel } from '../src/runnel.js';
import type { ContractCluster } from './support/client-contract.js';
import { describeConsumerContract } from './support/consumer-contract.js';
import { startMockCluster } from './support/mock-cluster.js';
import { describeProducerContract } from './support/producer-contract.js';

/**
 * The client's contract suites against librdkafka's mock cluster (3 brokers, partition leaders
 * spread over them): a Kafka broker implementation nobody here wrote, serving only the APIs listed
 * in support/mock-cluster.ts. The mock has no CreateTopics: a topic is made by asking Metadata for
 * it with auto-creation allowed, and gets the mock's 4 partitions.
 */
async function startMockContractCluster(): Promise<ContractCluster> {
  const mock = await startMockCluster({ brokers: 3 });
  const runnel = new Runnel({ clientId: 'contract-mock-admin', brokers: mock.brokers });
  await runnel.cluster.connect();
  let count = 0;
  return {
    brokers: mock.brokers,
    newTopic: async (prefix) => {
      const topic = `${prefix}-${++count}`;
      const metadata = await runnel.cluster.refreshMetadata([topic], { allowAutoTopicCreation: true });
      const partitions = metadata.topics.get(topic)?.partitions ?? [];
      if (partitions.length === 0 || partitions.some((p) => p.leader < 0)) {
        throw new Error(`the mock did not create ${topic} with leaders: ${JSON.stringify(partitions)}`);
      }
      return { topic, partitions: partitions.length };
    },
    close: async () => {
      await runnel.cluster.disconnect();
      await mock.close();
    },
  };
}

const MOCK = "librdkafka's mock cluster";

describeProducerContract(MOCK, startMockContractCluster, { logAppendTimeMs: 1234, answersAcksZero: true });
describeConsumerContract(MOCK, startMockContractCluster, { unreadableListOffsets: true });
