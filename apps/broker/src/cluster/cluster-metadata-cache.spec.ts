import { ClusterKeys, encodeAssignment } from './cluster-keys.js';
import { ClusterMetadataCache } from './cluster-metadata-cache.js';
import { etcdEndpoints } from './etcd-endpoints.js';

const keys = new ClusterKeys('test');

describe('ClusterMetadataCache', () => {
  it('keeps live brokers with their epoch, the controller, topics and partition states from key changes', () => {
    const cache = new ClusterMetadataCache(keys);
    cache.apply({
      key: keys.broker(2),
      value: '{"host":"h2","port":9093}',
      createRevision: 5,
      modRevision: 5,
    });
    cache.apply({
      key: keys.broker(1),
      value: '{"host":"h1","port":9092}',
      createRevision: 7,
      modRevision: 7,
    });
    cache.apply({
      key: keys.controller,
      value: '{"brokerId":2,"brokerEpoch":5}',
      createRevision: 8,
      modRevision: 8,
    });
    cache.apply({ key: keys.controllerEpoch, value: '3', createRevision: 2, modRevision: 8 });
    cache.apply({
      key: keys.topic('orders'),
      value: encodeAssignment({
        partitions: [
          [1, 2],
          [2, 1],
        ],
        configs: { 'retention.ms': '1000' },
      }),
      createRevision: 9,
      modRevision: 9,
    });
    const state = { leader: 2, leaderEpoch: 0, isr: [2], controllerEpoch: 3 };
    cache.apply({
      key: keys.partitionState('orders', 1),
      value: JSON.stringify(state),
      createRevision: 9,
      modRevision: 9,
    });

    expect([...cache.brokers.values()]).toEqual([
      { nodeId: 2, host: 'h2', port: 9093, epoch: 5 },
      { nodeId: 1, host: 'h1', port: 9092, epoch: 7 },
    ]);
    expect(cache.controller).toEqual({
      value: { brokerId: 2, brokerEpoch: 5 },
      createRevision: 8,
      modRevision: 8,
    });
    expect(cache.controllerEpoch?.value).toBe(3);
    expect(cache.topics.get('orders')?.value).toEqual({
      partitions: [
        [1, 2],
        [2, 1],
      ],
      configs: { 'retention.ms': '1000' },
    });
    expect(cache.partitionState('orders', 1)).toEqual({ value: state, createRevision: 9, modRevision: 9 });
    expect(cache.partitionState('orders', 0)).toBeUndefined();
    expect(cache.revision).toBe(9);

    cache.apply({ key: keys.broker(2), value: null, createRevision: 0, modRevision: 10 });
    cache.apply({ key: keys.controller, value: null, createRevision: 0, modRevision: 10 });
    expect([...cache.brokers.keys()]).toEqual([1]);
    expect(cache.controller).toBeUndefined();
  });

  it('forgets a deleted topic with its states, and takes one created again under the name at its new revision', () => {
    const cache = new ClusterMetadataCache(keys);
    const put = (key: string, value: string, revision: number) =>
      cache.apply({ key, value, createRevision: revision, modRevision: revision });
    const remove = (key: string, revision: number) =>
      cache.apply({ key, value: null, createRevision: 0, modRevision: revision });
    const assignment = encodeAssignment({ partitions: [[1], [2]], configs: {} });
    const state = (leader: number) =>
      JSON.stringify({ leader, leaderEpoch: 0, isr: [leader], controllerEpoch: 1 });
    put(keys.topic('t'), assignment, 4);
    put(keys.partitionState('t', 0), state(1), 4);
    put(keys.partitionState('t', 1), state(2), 4);
    // DeleteTopics' transaction: the topic key, then every key under it, at one revision.
    remove(keys.topic('t'), 6);
    remove(keys.partitionState('t', 0), 6);
    remove(keys.partitionState('t', 1), 6);
    expect(cache.topics.has('t')).toBe(false);
    expect(cache.partitionState('t', 0)).toBeUndefined();
    expect(cache.partitionState('t', 1)).toBeUndefined();

    put(keys.topic('t'), encodeAssignment({ partitions: [[3]], configs: {} }), 9);
    put(keys.partitionState('t', 0), state(3), 9);
    expect(cache.topics.get('t')).toMatchObject({ createRevision: 9, value: { partitions: [[3]] } });
    expect(cache.partitionState('t', 0)?.value.leader).toBe(3);
    expect(cache.partitionState('t', 1)).toBeUndefined();
  });

  it('ignores, and reports, keys outside the layout and values it cannot decode', () => {
    const ignored: string[] = [];
    const cache = new ClusterMetadataCache(keys, (key) => ignored.push(key));
    cache.apply({ key: '/runnel/test/brokers/ids/x', value: '{}', createRevision: 1, modRevision: 1 });
    cache.apply({ key: keys.broker(1), value: 'not json', createRevision: 2, modRevision: 2 });
    expect(ignored).toEqual(['/runnel/test/brokers/ids/x', keys.broker(1)]);
    expect(cache.brokers.size).toBe(0);
  });
});

describe('ClusterKeys', () => {
  it('parses every key it makes, and nothing of another cluster', () => {
    expect(keys.parse(keys.broker(3))).toEqual({ kind: 'broker', nodeId: 3 });
    expect(keys.parse(keys.topic('a.b_c-d'))).toEqual({ kind: 'topic', topic: 'a.b_c-d' });
    expect(keys.parse(keys.partitionState('t', 12))).toEqual({
      kind: 'partitionState',
      topic: 't',
      partition: 12,
    });
    expect(keys.parse(new ClusterKeys('other').broker(3))).toBeUndefined();
  });
});

describe('etcdEndpoints', () => {
  it('turns etcd://host:port lists into URLs and refuses anything else', () => {
    expect(etcdEndpoints('etcd://127.0.0.1:2379')).toEqual(['http://127.0.0.1:2379']);
    expect(etcdEndpoints('etcd://a:1,b:2,etcd://c:3')).toEqual(['http://a:1', 'http://b:2', 'http://c:3']);
    expect(etcdEndpoints('http://a:1')).toBeUndefined();
    expect(etcdEndpoints('etcd://a')).toBeUndefined();
  });
});
