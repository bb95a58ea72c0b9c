import { ErrorCode, KafkaError } from '@runnel/protocol';
import { type PlanContext, planTopic } from './cluster-topic-plan.js';

const context: PlanContext = {
  existingTopics: ['orders'],
  liveBrokers: [1, 2, 3],
  defaultPartitions: 2,
  defaultReplicationFactor: 2,
  start: { startIndex: 0, replicaShift: 0 },
};

function codeOf(run: () => unknown): number | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof KafkaError) return err.code;
    throw err;
  }
  return undefined;
}

describe('planTopic', () => {
  it('places -1 partitions and replicas with the broker defaults over the live brokers', () => {
    expect(planTopic('payments', { numPartitions: -1, replicationFactor: -1 }, context)).toEqual({
      partitions: [
        [1, 2],
        [2, 3],
      ],
      configs: {},
    });
  });

  it('refuses what Kafka refuses, with its codes', () => {
    const plan = (name: string, request: Parameters<typeof planTopic>[1]) =>
      codeOf(() => planTopic(name, request, context));
    expect(plan('orders', { numPartitions: 1, replicationFactor: 1 })).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(plan('bad/name', { numPartitions: 1, replicationFactor: 1 })).toBe(
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    );
    expect(plan('__consumer_offsets', { numPartitions: 1, replicationFactor: 1 })).toBe(
      ErrorCode.INVALID_REQUEST,
    );
    expect(plan('wide', { numPartitions: 1, replicationFactor: 4 })).toBe(
      ErrorCode.INVALID_REPLICATION_FACTOR,
    );
    expect(plan('none', { numPartitions: 0, replicationFactor: 1 })).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(plan('cfg', { numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': 'soon' } })).toBe(
      ErrorCode.INVALID_CONFIG,
    );
    const manual = (brokerIds: number[][]) =>
      plan('manual', {
        numPartitions: -1,
        replicationFactor: -1,
        assignments: brokerIds.map((ids, partitionIndex) => ({ partitionIndex, brokerIds: ids })),
      });
    expect(manual([[1, 7]])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(manual([[1, 1]])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(manual([[1, 2], [3]])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(
      manual([
        [3, 1],
        [2, 3],
      ]),
    ).toBeUndefined();
  });
});
