import { ErrorCode, KafkaError } from '@runnel/protocol';
import { type PlanContext, planNewPartitions, planTopic } from './cluster-topic-plan.js';

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

describe('planNewPartitions', () => {
  const brokers = [0, 1, 2, 3];

  // Kafka's AddPartitionsTest (ZooKeeper mode) checks the leader of every partition it adds.
  it("continues Kafka's round robin from the existing partitions, as AddPartitionsTest.testReplicaPlacementAllServers", () => {
    const added = planNewPartitions('topic3', [[2, 3, 0, 1]], { count: 7, assignments: null }, brokers);
    expect(added.map((replicas) => replicas[0])).toEqual([3, 0, 1, 2, 3, 0]);
    for (const replicas of added) expect([...replicas].sort()).toEqual([0, 1, 2, 3]);
  });

  it('places the followers as AddPartitionsTest.testReplicaPlacementPartialServers', () => {
    expect(planNewPartitions('topic2', [[1, 2]], { count: 3, assignments: null }, brokers)).toEqual([
      [2, 0],
      [3, 1],
    ]);
  });

  it("starts at the first live broker at or after partition 0's leader, and keeps its replication factor", () => {
    // Broker 2 (partition 0's leader) is down: the round robin starts at broker 3.
    expect(planNewPartitions('t', [[2, 0]], { count: 3, assignments: null }, [0, 1, 3])).toEqual([
      [0, 1],
      [1, 3],
    ]);
  });

  it('takes a manual assignment of live brokers, one list per new partition', () => {
    const current = [
      [1, 2],
      [2, 3],
    ];
    const assignments = [
      [3, 1],
      [0, 2],
    ];
    expect(planNewPartitions('t', current, { count: 4, assignments }, brokers)).toEqual(assignments);
  });

  it('refuses what Kafka refuses, with its codes', () => {
    const current = [[1, 2]];
    const plan = (count: number, assignments: number[][] | null, live = brokers) =>
      codeOf(() => planNewPartitions('t', current, { count, assignments }, live));
    expect(plan(1, null)).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(plan(0, null)).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(plan(20_000, null)).toBe(ErrorCode.INVALID_PARTITIONS);
    // Fewer live brokers than partition 0's replicas.
    expect(plan(2, null, [1])).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
    expect(plan(3, [[1, 2]])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(plan(2, [[1, 9]])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(plan(2, [[3, 3]])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(plan(2, [[1, 2, 3]])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(plan(2, [[]])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  });

  it("says why in Kafka's words", () => {
    expect(() => planNewPartitions('t', [[1], [2]], { count: 2, assignments: null }, brokers)).toThrow(
      'Topic already has 2 partitions.',
    );
    expect(() => planNewPartitions('t', [[1], [2]], { count: 3, assignments: [] }, brokers)).toThrow(
      'Increasing the number of partitions by 1 but 0 assignments provided.',
    );
  });
});
