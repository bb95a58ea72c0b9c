import { ClusterKeys } from './cluster-keys.js';
import { ClusterMetadataCache } from './cluster-metadata-cache.js';
import { liveBrokers } from './cluster-metadata-view.js';

const keys = new ClusterKeys('test');

function register(cache: ClusterMetadataCache, nodeId: number, value: object, revision: number): void {
  cache.apply({
    key: keys.broker(nodeId),
    value: JSON.stringify(value),
    createRevision: revision,
    modRevision: revision,
  });
}

describe('liveBrokers', () => {
  it('lists each broker at the listener asked for, leaves out those without it, and a listener-less registration everywhere', () => {
    const cache = new ClusterMetadataCache(keys);
    const listener = (name: string, port: number) => ({
      name,
      host: `h-${name}`,
      port,
      securityProtocol: name,
    });
    register(
      cache,
      1,
      {
        host: 'h-PLAINTEXT',
        port: 9092,
        listeners: [listener('PLAINTEXT', 9092), listener('SASL_SSL', 9093)],
      },
      3,
    );
    register(cache, 2, { host: 'h-PLAINTEXT', port: 9192, listeners: [listener('PLAINTEXT', 9192)] }, 4);
    register(cache, 3, { host: 'old', port: 9292 }, 5);

    expect(liveBrokers(cache, 'SASL_SSL')).toEqual([
      { nodeId: 1, host: 'h-SASL_SSL', port: 9093, rack: null },
      { nodeId: 3, host: 'old', port: 9292, rack: null },
    ]);
    expect(liveBrokers(cache, 'PLAINTEXT').map((b) => [b.nodeId, b.port])).toEqual([
      [1, 9092],
      [2, 9192],
      [3, 9292],
    ]);
  });
});
