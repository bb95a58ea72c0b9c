/** A committed offset of one group for one partition, as stored (Kafka's OffsetAndMetadata). */
export interface OffsetAndMetadata {
  /** The next offset the group will consume. */
  readonly offset: bigint;
  /** Leader epoch of the last consumed record; -1 when the committer did not say (OffsetCommit v0-5). */
  readonly leaderEpoch: number;
  /** Free text the committer attached ('' for none). */
  readonly metadata: string;
  /** When the coordinator accepted the commit (ms since the epoch). */
  readonly commitTimestamp: number;
  /**
   * When this commit expires regardless of the group's state, for commits that carried their own
   * retention time (OffsetCommit v2-4 `retentionTimeMs`); null: the group's retention rules apply.
   */
  readonly expireTimestamp: number | null;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}
