// Needs Debian's etcd (`apt-get install etcd-server`), hence a compat suite: `npm run test:compat`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@runnel/protocol';
import { ClusterFencedError } from '../src/cluster/cluster-fenced-error.js';
import { ClusterMetadataStore } from '../src/cluster/cluster-metadata-store.js';
import { EtcdProcess } from '../src/testing/etcd-process.js';

const TIMEOUT_MS = 30_000;
/** etcd's smallest lease, in seconds: a released lease expires this long after its last heartbeat. */
const LEASE_SECONDS = 2;

/** Resolves once `store`'s cache satisfies `condition`, as its watch delivers changes. */
function cacheReaches(store: ClusterMetadataStore, condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (condition()) return resolve();
    const stop = store.onChange(() => {
      if (condition()) {
        stop();
        resolve();
      }
    });
  });
}

describe('fencing in etcd: a broker or controller whose lease is gone changes nothing', () => {
  let dir: string;
  let etcd: EtcdProcess;
  const stores: ClusterMetadataStore[] = [];
  const open = async () => {
    const store = await ClusterMetadataStore.open([etcd.clientUrl], 'fencing', { dialTimeoutMs: 5000 });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runnel-fencing-'));
    etcd = await EtcdProcess.start(join(dir, 'etcd'));
  }, TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT_MS);

  it(
    'refuses the zombie controller and broker after their lease expired, and lets the new controller write',
    async () => {
      const zombie = await open();
      const successor = await open();

      const first = (await zombie.registerBroker(1, { host: '127.0.0.1', port: 1 }, LEASE_SECONDS))!;
      const term = (await zombie.electController(1, first))!;
      expect(term.controllerEpoch).toBe(1);
      await zombie.createTopic(
        'orders',
        { partitions: [[1, 2]], configs: {} },
        [{ leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: 1 }],
        first.fence,
      );
      await cacheReaches(successor, () => successor.cache.partitionState('orders', 0) !== undefined);
      expect(successor.cache.controller?.value).toEqual({ brokerId: 1, brokerEpoch: first.epoch });

      // The zombie stops heartbeating (a paused process, a partition from etcd) and its lease expires.
      first.lease.release();
      await cacheReaches(
        successor,
        () => !successor.cache.brokers.has(1) && successor.cache.controller === undefined,
      );

      const second = (await successor.registerBroker(2, { host: '127.0.0.1', port: 2 }, LEASE_SECONDS))!;
      const newTerm = (await successor.electController(2, second))!;
      expect(newTerm.controllerEpoch).toBe(2);

      // The zombie, still believing it leads, tries to act on what it knew.
      const stateRevision = successor.cache.partitionState('orders', 0)!.modRevision;
      await expect(
        zombie.writePartitionState(
          'orders',
          0,
          { leader: 2, leaderEpoch: 1, isr: [2], controllerEpoch: 1 },
          stateRevision,
          term.fence,
        ),
      ).rejects.toBeInstanceOf(ClusterFencedError);
      await expect(
        zombie.createTopic(
          'payments',
          { partitions: [[1]], configs: {} },
          [{ leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: 1 }],
          first.fence,
        ),
      ).rejects.toMatchObject({ code: ErrorCode.NOT_CONTROLLER });
      await expect(zombie.electController(1, first)).resolves.toBeUndefined();

      // Registering again gives broker 1 a new epoch; the old registration's fence still fails.
      await cacheReaches(zombie, () => zombie.cache.controller?.value.brokerId === 2);
      const again = (await zombie.registerBroker(1, { host: '127.0.0.1', port: 1 }, LEASE_SECONDS))!;
      expect(again.epoch).toBeGreaterThan(first.epoch);
      await expect(
        zombie.createTopic(
          'payments',
          { partitions: [[1]], configs: {} },
          [{ leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: 2 }],
          first.fence,
        ),
      ).rejects.toBeInstanceOf(ClusterFencedError);

      // The new controller's write, compared against the same revision, goes through.
      const written = await successor.writePartitionState(
        'orders',
        0,
        { leader: 2, leaderEpoch: 1, isr: [2], controllerEpoch: 2 },
        stateRevision,
        newTerm.fence,
      );
      expect(written).toBe(true);
      // ...and only once: a write compared against a revision that moved on changes nothing.
      await expect(
        successor.writePartitionState(
          'orders',
          0,
          { leader: 1, leaderEpoch: 2, isr: [1], controllerEpoch: 2 },
          stateRevision,
          newTerm.fence,
        ),
      ).resolves.toBe(false);
      await cacheReaches(zombie, () => zombie.cache.partitionState('orders', 0)?.value.leaderEpoch === 1);
      expect(zombie.cache.partitionState('orders', 0)!.value).toEqual({
        leader: 2,
        leaderEpoch: 1,
        isr: [2],
        controllerEpoch: 2,
      });
      expect(zombie.cache.topics.has('payments')).toBe(false);

      await again.lease.revoke();
      await second.lease.revoke();
    },
    TIMEOUT_MS,
  );

  it(
    'refuses a second broker with a live broker id, and a topic created twice',
    async () => {
      const store = await open();
      const held = (await store.registerBroker(5, { host: '127.0.0.1', port: 5 }, LEASE_SECONDS))!;
      await expect(
        store.registerBroker(5, { host: '127.0.0.1', port: 6 }, LEASE_SECONDS),
      ).resolves.toBeUndefined();
      const assignment = { partitions: [[5]], configs: {} };
      const states = [{ leader: 5, leaderEpoch: 0, isr: [5], controllerEpoch: 0 }];
      await store.createTopic('twice', assignment, states, held.fence);
      await expect(store.createTopic('twice', assignment, states, held.fence)).rejects.toMatchObject({
        code: ErrorCode.TOPIC_ALREADY_EXISTS,
      });
      await held.lease.revoke();
    },
    TIMEOUT_MS,
  );
});
