// Needs Debian's etcd (`apt-get install etcd-server`), hence a compat suite: `npm run test:compat`.
import { ErrorCode, InitProducerId } from '@runnel/protocol';
import { TestCluster } from './cluster-support/test-cluster.js';
import { RawClient } from './support/raw-client.js';

const TIMEOUT_MS = 60_000;

/** The producer id broker `port` gives an idempotent producer (InitProducerId v3). */
async function producerIdFrom(port: number): Promise<bigint> {
  const client = await RawClient.connect(port);
  try {
    const response = await client.request(InitProducerId, 3, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    expect(response.errorCode).toBe(ErrorCode.NONE);
    return response.producerId;
  } finally {
    client.close();
  }
}

describe('producer ids in a cluster', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start(3);
  }, TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  }, TIMEOUT_MS);

  // Every broker answers InitProducerId, and a partition's producer state is replicated: an id
  // two brokers both gave made one producer's batches pass for the other's retries, acknowledged
  // with the other's offsets and never written (the nemesis suite, seed 21, 300 s).
  it(
    'are never the same from two brokers, nor from one broker restarted',
    async () => {
      const ids: bigint[] = [];
      for (const { broker } of cluster.members.values()) {
        ids.push(await producerIdFrom(broker.port), await producerIdFrom(broker.port));
      }
      await cluster.stopBroker(2);
      const again = await cluster.startBroker(2);
      ids.push(await producerIdFrom(again.port));
      expect(new Set(ids).size).toBe(ids.length);
    },
    TIMEOUT_MS,
  );
});
