import { CreatePartitions, CreateTopics, ErrorCode, encodeResponseFrame, Metadata } from '@runnel/protocol';
import type { BrokerConnection } from '../src/connection/broker-connection.js';
import { ConnectionError } from '../src/errors/connection-error.js';
import { Cluster, type ClusterOptions } from '../src/metadata/cluster.js';
import { refusingPort, ScriptedPeer } from './support/scripted-peer.js';
import { parseBootstrap, startTestBroker, type TestBroker } from './support/test-broker.js';

function clusterOptions(
  brokers: ClusterOptions['brokers'],
  overrides: Partial<ClusterOptions> = {},
): ClusterOptions {
  return {
    clientId: 'cluster-spec',
    brokers,
    connectTimeoutMs: 5000,
    requestTimeoutMs: 5000,
    metadataMaxAgeMs: 300_000,
    reconnectBackoffMs: 50,
    reconnectBackoffMaxMs: 1000,
    allowAutoTopicCreation: false,
    ...overrides,
  };
}

async function createTopic(connection: BrokerConnection, name: string, numPartitions: number): Promise<void> {
  const { topics } = await connection.request(CreateTopics, {
    topics: [{ name, numPartitions, replicationFactor: 1 }],
    timeoutMs: 5000,
  });
  expect(topics[0]?.errorCode).toBe(ErrorCode.NONE);
}

async function growTopic(connection: BrokerConnection, name: string, count: number): Promise<void> {
  const { results } = await connection.request(CreatePartitions, {
    topics: [{ name, count, assignments: null }],
    timeoutMs: 5000,
  });
  expect(results[0]?.errorCode).toBe(ErrorCode.NONE);
}

describe('Cluster', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startTestBroker();
  });

  afterAll(async () => {
    await broker?.close();
  });

  it('bootstraps from the first broker that answers and learns the cluster from it', async () => {
    const refusing = { host: '127.0.0.1', port: await refusingPort() };
    const cluster = new Cluster(clusterOptions([refusing, parseBootstrap(broker.bootstrap)]));
    await cluster.connect();
    expect(cluster.brokers()).toEqual([
      { nodeId: 1, host: '127.0.0.1', port: broker.broker.port, rack: null },
    ]);
    expect(cluster.controllerId).toBe(1);
    // The bootstrap connection became broker 1's request connection: no second socket.
    expect(await cluster.anyConnection()).toBe(await cluster.connection(1));
    await cluster.disconnect();
  });

  it('fails to bootstrap with a retriable error naming every broker tried when none answers', async () => {
    const ports = [await refusingPort(), await refusingPort()];
    const cluster = new Cluster(clusterOptions(ports.map((port) => ({ host: '127.0.0.1', port }))));
    const error = await cluster.connect().catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.retriable).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${ports[0]}, 127.0.0.1:${ports[1]}: no broker answered`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('keeps one connection per broker per purpose, opened once however many ask at once', async () => {
    const cluster = new Cluster(clusterOptions([parseBootstrap(broker.bootstrap)]));
    await cluster.connect();
    const [request, again] = await Promise.all([cluster.connection(1), cluster.connection(1)]);
    expect(again).toBe(request);
    const fetches = await Promise.all([1, 2, 3].map(() => cluster.connection(1, 'fetch')));
    expect(new Set(fetches).size).toBe(1);
    expect(fetches[0]).not.toBe(request);
    const group = await cluster.connection(1, 'group');
    expect(group).not.toBe(request);
    expect(group).not.toBe(fetches[0]);
    await cluster.disconnect();
    expect([request, fetches[0], group].every((c) => c?.closed)).toBe(true);
    await expect(cluster.anyConnection()).rejects.toThrow('the client is disconnected');
  });

  it('routes partitions to leaders from a cache that refreshes on demand and after metadataMaxAgeMs', async () => {
    let now = 1_000_000;
    const cluster = new Cluster(
      clusterOptions([parseBootstrap(broker.bootstrap)], { metadataMaxAgeMs: 60_000, now: () => now }),
    );
    await cluster.connect();
    const admin = await cluster.connection(1);
    await createTopic(admin, 'cluster-routing', 2);

    const first = await cluster.metadata(['cluster-routing']);
    expect(first.topics.get('cluster-routing')?.partitions.map((p) => p.leader)).toEqual([1, 1]);
    expect(cluster.leaderFor('cluster-routing', 1)).toBe(1);
    expect(cluster.leaderFor('cluster-routing', 2)).toBeUndefined();
    expect(cluster.partitionCount('cluster-routing')).toBe(2);

    await growTopic(admin, 'cluster-routing', 3);
    now += 59_999;
    expect(
      (await cluster.metadata(['cluster-routing'])).topics.get('cluster-routing')?.partitions,
    ).toHaveLength(2);
    expect(
      (await cluster.refreshMetadata(['cluster-routing'])).topics.get('cluster-routing')?.partitions,
    ).toHaveLength(3);

    await growTopic(admin, 'cluster-routing', 5);
    now += 59_999;
    expect(cluster.partitionCount('cluster-routing')).toBe(3);
    now += 1;
    expect(
      (await cluster.metadata(['cluster-routing'])).topics.get('cluster-routing')?.partitions,
    ).toHaveLength(5);
    expect(cluster.leaderFor('cluster-routing', 4)).toBe(1);
    await cluster.disconnect();
  });

  it('leaves out a topic that does not exist, and creates it when asked to', async () => {
    const cluster = new Cluster(clusterOptions([parseBootstrap(broker.bootstrap)]));
    await cluster.connect();
    const missing = await cluster.metadata(['cluster-missing']);
    expect(missing.topics.has('cluster-missing')).toBe(false);
    expect(cluster.leaderFor('cluster-missing', 0)).toBeUndefined();

    await cluster.metadata(['cluster-auto'], { allowAutoTopicCreation: true });
    const created = await cluster.refreshMetadata(['cluster-auto']);
    expect(created.topics.get('cluster-auto')?.errorCode).toBe(ErrorCode.NONE);
    expect(cluster.partitionCount('cluster-auto')).toBe(1);
    await cluster.disconnect();
  });

  it('shares one Metadata request among refreshes asked for at once', async () => {
    const cluster = new Cluster(clusterOptions([parseBootstrap(broker.bootstrap)]));
    await cluster.connect();
    // Every response replaces the broker map, so one map in both answers means one response.
    const [a, b] = await Promise.all([cluster.refreshMetadata([]), cluster.refreshMetadata([])]);
    expect(a.brokers).toBe(b.brokers);
    const later = await cluster.refreshMetadata([]);
    expect(later.brokers).not.toBe(a.brokers);
    await cluster.disconnect();
  });
});

describe('Cluster reconnecting', () => {
  it('reconnects to a broker that went away and came back on the same address', async () => {
    const first = await startTestBroker();
    const port = first.broker.port;
    const cluster = new Cluster(clusterOptions([parseBootstrap(first.bootstrap)]));
    await cluster.connect();
    const before = await cluster.connection(1);
    const lost = new Promise<Error | undefined>((resolve) => before.onClose(resolve));
    await first.broker.close();
    expect(await lost).toBeInstanceOf(ConnectionError);

    const refused = await cluster.connection(1).catch((e) => e);
    expect(refused).toBeInstanceOf(ConnectionError);
    expect(refused.retriable).toBe(true);

    const second = await startTestBroker({ port, dataDir: first.dataDir });
    try {
      const after = await cluster.connection(1);
      expect(after).not.toBe(before);
      expect(after.closed).toBe(false);
      const metadata = await cluster.refreshMetadata([]);
      expect(metadata.brokers.get(1)?.port).toBe(port);
    } finally {
      await cluster.disconnect();
      await second.close();
      await first.close();
    }
  });
});

describe('Cluster shared by several components', () => {
  it('closes its connections only when the last component that connected disconnects', async () => {
    const broker = await startTestBroker();
    const cluster = new Cluster(clusterOptions([parseBootstrap(broker.bootstrap)]));
    try {
      await Promise.all([cluster.connect(), cluster.connect()]);
      const connection = await cluster.connection(1);
      await cluster.disconnect();
      expect(connection.closed).toBe(false);
      expect(await cluster.anyConnection()).toBe(connection);
      await cluster.disconnect();
      expect(connection.closed).toBe(true);
    } finally {
      await broker.close();
    }
  });
});

describe('Cluster reconnect backoff', () => {
  it('waits reconnectBackoffMs, doubling, before trying a broker that refused again', async () => {
    const deadPort = await refusingPort();
    const peer = new ScriptedPeer(true);
    const address = await peer.listen();
    // A one-partition world of two brokers: this peer (node 1) and one that refuses (node 2).
    peer.onRequest = (socket, apiKey, correlationId, version) => {
      if (apiKey !== Metadata.apiKey) return;
      socket.write(
        encodeResponseFrame(Metadata, version, correlationId, {
          brokers: [
            { nodeId: 1, host: address.host, port: address.port, rack: null },
            { nodeId: 2, host: '127.0.0.1', port: deadPort, rack: null },
          ],
          controllerId: 1,
          topics: [],
        }),
      );
    };
    const cluster = new Cluster(
      clusterOptions([address], { reconnectBackoffMs: 100, reconnectBackoffMaxMs: 1000 }),
    );
    try {
      await cluster.connect();
      const attempts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const error = await cluster.connection(2).catch((e) => e);
        expect(error).toBeInstanceOf(ConnectionError);
        expect(error.message).toContain(`127.0.0.1:${deadPort}: connect failed`);
        attempts.push(Date.now());
      }
      // Backoff after 1 failure: 100 ms ± 20%; after 2: 200 ms ± 20%. The backoff runs from the
      // failure, which a loaded event loop may report here up to ~20 ms late: without a backoff
      // the gaps would be about 1 ms, and without doubling the second would stay under 120 ms.
      const [first = 0, second = 0, third = 0] = attempts;
      expect(second - first).toBeGreaterThanOrEqual(60);
      expect(third - second).toBeGreaterThanOrEqual(140);
      // The broker that answers is not held back by the other's failures (node 2 would now wait 320 ms or more).
      const started = Date.now();
      await cluster.connection(1, 'fetch');
      expect(Date.now() - started).toBeLessThan(300);
    } finally {
      await cluster.disconnect();
      await peer.close();
    }
  });
});
