/**
 * The contract of a partition assignor, after Kafka's `ConsumerPartitionAssignor`: the group leader
 * runs one over every member's subscription and sends each member its share through SyncGroup.
 *
 * Assignors are pure: the same input gives the same output whatever the order of `members`, and no
 * assignor keeps state between rebalances. What a member must remember from one rebalance to the
 * next (its last assignment and generation) it passes back in through {@link MemberRebalanceState}.
 */

/** Some partitions of one topic. */
export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** One member's subscription, as its JoinGroup protocol metadata carries it. */
export interface MemberSubscription {
  readonly memberId: string;
  /** Set for static members; assignors that order members put static members first, by this id. */
  readonly groupInstanceId?: string | null;
  /** The topics the member subscribes to; topics missing from `partitionsPerTopic` are skipped. */
  readonly topics: readonly string[];
  /** What the member owns going into the rebalance (consumer protocol subscription v1+). */
  readonly ownedPartitions?: readonly TopicPartitions[];
  /** The assignor's own bytes from the member's subscription. */
  readonly userData?: Buffer | null;
}

export interface AssignmentInput {
  readonly members: readonly MemberSubscription[];
  /** Partition count of every topic the group may read, from cluster metadata. */
  readonly partitionsPerTopic: ReadonlyMap<string, number>;
}

/**
 * Every member of the input, in assignor order, with its partitions: topics by name, partitions
 * ascending, topics without a partition left out. A member given nothing has an empty list.
 */
export type GroupAssignment = Map<string, TopicPartitions[]>;

/**
 * How members give partitions up in a rebalance. `eager`: every member revokes everything before
 * it rejoins. `cooperative`: members keep what they own and revoke only what the assignment takes
 * away, so an assignor must never hand a member a partition another member still owns.
 */
export type RebalanceProtocol = 'eager' | 'cooperative';

/** What a member knows about its last completed rebalance, for assignors that encode it. */
export interface MemberRebalanceState {
  /** What that rebalance assigned to this member; null before the member's first assignment. */
  readonly assignedPartitions: readonly TopicPartitions[] | null;
  /** That rebalance's generation; DEFAULT_GENERATION (-1) before the first. */
  readonly generationId: number;
}

export interface PartitionAssignor {
  /** The protocol name members advertise in JoinGroup, as Kafka clients spell it. */
  readonly name: string;
  /** The rebalance protocols the assignor is safe under, preferred first. */
  readonly supportedProtocols: readonly RebalanceProtocol[];
  /** The `userData` a member puts in its subscription; absent when the assignor sends none. */
  subscriptionUserData?(state: MemberRebalanceState): Buffer | null;
  assign(input: AssignmentInput): GroupAssignment;
}
