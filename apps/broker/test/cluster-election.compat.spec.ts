// Needs Debian's etcd (`apt-get install etcd-server`), hence a compat suite: `npm run test:compat`.
import { ErrorCode, Metadata } from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { ClusterMetadataStore } from '../src/cluster/cluster-metadata-store.js';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { RawClient } from './support/raw-client.js';

const TIMEOUT_MS = 60_000;

describe("the controller's leader election with more than one in-sync replica", () => {
  let cluster: TestCluster;
  let store: ClusterMetadataStore;

  beforeAll(async () => {
    cluster = await TestCluster.start(3);
    store = await ClusterMetadataStore.open([cluster.etcd.clientUrl], 'runnel', { dialTimeoutMs: 5000 });
  }, TIMEOUT_MS);

  afterAll(async () => {
    await store?.close();
    await cluster?.stop();
  }, TIMEOUT_MS);

  it(
    'moves leadership to the next live in-sync replica when the leader leaves, and shrinks the ISR',
    async () => {
      // An ISR of two of the three replicas, written directly by a registered writer whose fence
      // holds, then left alone: broker 3 starts outside the ISR.
      const writer = (await store.registerBroker(99, { host: '127.0.0.1', port: 1 }, 2))!;
      const controllerEpoch = store.cache.controllerEpoch?.value ?? 0;
      await store.createTopic(
        'two-in-sync',
        { partitions: [[1, 2, 3]], configs: {} },
        [{ leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch }],
        writer.fence,
      );
      await writer.lease.revoke();

      const observer = cluster.members.get(3)!.broker;
      await cluster.stopBroker(1);
      const partition = await eventually(async () => {
        const client = await RawClient.connect(observer.port);
        try {
          const response = await client.request(Metadata, 9, {
            topics: [{ name: 'two-in-sync' }],
            allowAutoTopicCreation: false,
            includeClusterAuthorizedOperations: false,
            includeTopicAuthorizedOperations: false,
          });
          const found = response.topics[0]!.partitions[0]!;
          expect(found.leaderId).toBe(2);
          return found;
        } finally {
          client.close();
        }
      });
      expect(partition).toMatchObject({
        errorCode: ErrorCode.NONE,
        leaderEpoch: 1,
        replicaNodes: [1, 2, 3],
        offlineReplicas: [1],
      });
      // The dead leader left the ISR; broker 3 may already have joined it, by catching up with broker 2.
      expect(partition.isrNodes[0]).toBe(2);
      expect(partition.isrNodes).not.toContain(1);

      // The new leader serves it: a producer bootstrapped at broker 3 is sent to broker 2 by Metadata.
      const producer = new Kafka({
        brokers: [observer.bootstrapServers],
        logLevel: logLevel.NOTHING,
      }).producer();
      await producer.connect();
      const [sent] = await producer.send({
        topic: 'two-in-sync',
        acks: -1,
        messages: [{ value: 'at the new leader' }],
      });
      await producer.disconnect();
      expect(sent).toMatchObject({ partition: 0, errorCode: 0, baseOffset: '0' });
    },
    TIMEOUT_MS,
  );
});
