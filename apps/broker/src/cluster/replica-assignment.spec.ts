import { ErrorCode, KafkaError } from '@runnel/protocol';
import { assignReplicasToBrokers, randomAssignmentStart } from './replica-assignment.js';

function codeOf(run: () => unknown): number | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof KafkaError) return err.code;
    throw err;
  }
  return undefined;
}

describe('assignReplicasToBrokers', () => {
  it("goes on from firstPartition as Kafka's startPartitionId: leaders continue the round robin, the shift grows at each multiple of the broker count from there", () => {
    expect(assignReplicasToBrokers([0, 1, 2, 3, 4], 4, 2, { startIndex: 0, replicaShift: 0 }, 3)).toEqual([
      [3, 4],
      [4, 0],
      [0, 2],
      [1, 3],
    ]);
  });

  it("matches Kafka's AdminUtilsTest.testReplicaAssignment: 5 brokers, 10 partitions, factor 3, fixed start 0", () => {
    const assignment = assignReplicasToBrokers([0, 1, 2, 3, 4], 10, 3, { startIndex: 0, replicaShift: 0 });
    expect(assignment).toEqual([
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 0],
      [4, 0, 1],
      [0, 2, 3],
      [1, 3, 4],
      [2, 4, 0],
      [3, 0, 1],
      [4, 1, 2],
    ]);
  });

  it('spreads preferred leaders evenly and never places two replicas of a partition on one broker', () => {
    for (let startIndex = 0; startIndex < 3; startIndex++) {
      for (let replicaShift = 0; replicaShift < 3; replicaShift++) {
        const assignment = assignReplicasToBrokers([3, 1, 2], 6, 3, { startIndex, replicaShift });
        const leaders = assignment.map((replicas) => replicas[0]);
        for (const broker of [1, 2, 3]) expect(leaders.filter((l) => l === broker)).toHaveLength(2);
        for (const replicas of assignment) expect(new Set(replicas).size).toBe(3);
      }
    }
  });

  it('sorts brokers by id, so the start index names the same broker whatever order they registered in', () => {
    const start = { startIndex: 1, replicaShift: 0 };
    expect(assignReplicasToBrokers([9, 5, 7], 1, 1, start)).toEqual([[7]]);
  });

  it('refuses a replication factor above the brokers, or below 1, and no partitions', () => {
    const start = { startIndex: 0, replicaShift: 0 };
    expect(codeOf(() => assignReplicasToBrokers([1, 2, 3], 6, 4, start))).toBe(
      ErrorCode.INVALID_REPLICATION_FACTOR,
    );
    expect(() => assignReplicasToBrokers([1, 2, 3], 6, 4, start)).toThrow(
      'Replication factor: 4 larger than available brokers: 3.',
    );
    expect(codeOf(() => assignReplicasToBrokers([1, 2, 3], 6, 0, start))).toBe(
      ErrorCode.INVALID_REPLICATION_FACTOR,
    );
    expect(codeOf(() => assignReplicasToBrokers([1, 2, 3], 0, 1, start))).toBe(ErrorCode.INVALID_PARTITIONS);
  });

  it('draws the start and the shift within the broker count', () => {
    expect(randomAssignmentStart(3, () => 0.999)).toEqual({ startIndex: 2, replicaShift: 2 });
    expect(randomAssignmentStart(3, () => 0)).toEqual({ startIndex: 0, replicaShift: 0 });
  });
});
