import { ErrorCode, type Metadata, type ResponseOf } from '@runnel/protocol';
import { MetadataCache } from './metadata-cache.js';

type Response = ResponseOf<typeof Metadata>;
type TopicEntry = Response['topics'][number];

function partition(partitionIndex: number, leaderId: number, errorCode: number = ErrorCode.NONE) {
  return {
    errorCode,
    partitionIndex,
    leaderId,
    leaderEpoch: 0,
    replicaNodes: [leaderId],
    isrNodes: [leaderId],
    offlineReplicas: [],
  };
}

function response(topics: TopicEntry[], brokers = [1, 2]): Response {
  return {
    throttleTimeMs: 0,
    brokers: brokers.map((nodeId) => ({ nodeId, host: `b${nodeId}`, port: 9092, rack: null })),
    clusterId: 'c',
    controllerId: brokers[0] ?? -1,
    topics,
    clusterAuthorizedOperations: 0,
  } as Response;
}

function topic(
  name: string,
  partitions: ReturnType<typeof partition>[],
  errorCode: number = ErrorCode.NONE,
): TopicEntry {
  return { errorCode, name, isInternal: false, partitions, topicAuthorizedOperations: 0 } as TopicEntry;
}

describe('MetadataCache', () => {
  it('routes partitions to leaders, ordered by partition whatever order the response lists them in', () => {
    const cache = new MetadataCache();
    cache.update(response([topic('orders', [partition(2, 1), partition(0, 2), partition(1, 1)])]), 0);
    expect(cache.topic('orders')?.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect([0, 1, 2, 3].map((p) => cache.leaderFor('orders', p))).toEqual([2, 1, 1, undefined]);
    expect(cache.partitionCount('orders')).toBe(3);
    expect(cache.broker(2)).toEqual({ nodeId: 2, host: 'b2', port: 9092, rack: null });
    expect(cache.controller).toBe(1);
  });

  it('is fresh only for topics described without error, fully led, within the maximum age', () => {
    const cache = new MetadataCache();
    expect(cache.isFresh([], 0, 1000)).toBe(false); // no brokers known yet
    cache.update(
      response([
        topic('led', [partition(0, 1)]),
        topic('leaderless', [partition(0, -1, ErrorCode.LEADER_NOT_AVAILABLE)]),
        topic('creating', [], ErrorCode.LEADER_NOT_AVAILABLE),
      ]),
      1000,
    );
    expect(cache.isFresh(['led'], 1999, 1000)).toBe(true);
    expect(cache.isFresh(['led'], 2000, 1000)).toBe(false);
    expect(cache.isFresh(['leaderless'], 1000, 1000)).toBe(false);
    expect(cache.isFresh(['creating'], 1000, 1000)).toBe(false);
    expect(cache.isFresh(['unknown'], 1000, 1000)).toBe(false);
    expect(cache.leaderFor('leaderless', 0)).toBeUndefined();
  });

  it('keeps topics a response does not mention, and forgets those it says do not exist', () => {
    const cache = new MetadataCache();
    cache.update(response([topic('a', [partition(0, 1)]), topic('b', [partition(0, 2)])]), 0);
    cache.update(response([topic('b', [], ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)], [1]), 10);
    expect(cache.topicNames()).toEqual(['a']);
    expect(cache.brokers().map((b) => b.nodeId)).toEqual([1]);
    expect(cache.snapshot(['a', 'b']).topics.has('b')).toBe(false);
    cache.invalidate('a');
    expect(cache.partitionCount('a')).toBeUndefined();
  });
});
