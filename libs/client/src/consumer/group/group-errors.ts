import { RunnelError, type RunnelErrorOptions } from '../../errors/runnel-error.js';

/** A consumer group option outside what it allows; names the option, the value and the limit. */
export class ConsumerGroupConfigError extends RunnelError {
  override name = 'ConsumerGroupConfigError';
  readonly option: string;

  constructor(option: string, value: unknown, requirement: string) {
    super(`consumer group option ${option} = ${JSON.stringify(value) ?? String(value)}: ${requirement}`);
    this.option = option;
  }
}

/**
 * Kafka's CommitFailedException: the offsets cannot be committed because the member is no longer
 * part of the generation that owned the partitions (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, or the
 * member left or lost its partitions). Not retriable: the partitions may already be consumed by
 * another member; the member rejoins and starts from what the group has committed.
 */
export class CommitFailedError extends RunnelError {
  override name = 'CommitFailedError';
  readonly groupId: string;

  constructor(groupId: string, reason: string, options: RunnelErrorOptions = {}) {
    super(
      `group '${groupId}': offsets not committed: ${reason}; the member is no longer in the generation ` +
        'that owned these partitions, so they may be consumed by another member',
      { ...options, retriable: false },
    );
    this.groupId = groupId;
  }
}

/**
 * Kafka's RebalanceInProgressException: the group is between a JoinGroup answer and the new
 * assignment (REBALANCE_IN_PROGRESS). Retriable: once the member has its new assignment, the
 * offsets of partitions it still owns can be committed again.
 */
export class RebalanceInProgressError extends RunnelError {
  override name = 'RebalanceInProgressError';
  readonly groupId: string;

  constructor(groupId: string, options: RunnelErrorOptions = {}) {
    super(
      `group '${groupId}': offsets not committed: the group is rebalancing; commit again once the new assignment arrives`,
      { ...options, retriable: true },
    );
    this.groupId = groupId;
  }
}

/**
 * The member cannot stay in the group (FENCED_INSTANCE_ID: another consumer took its
 * `groupInstanceId`; INCONSISTENT_GROUP_PROTOCOL; GROUP_AUTHORIZATION_FAILED; a session timeout
 * outside the broker's limits...). The coordinator stops; `cause` carries the broker's error.
 */
export class GroupMembershipError extends RunnelError {
  override name = 'GroupMembershipError';
  readonly groupId: string;

  constructor(groupId: string, what: string, options: RunnelErrorOptions = {}) {
    super(`group '${groupId}': ${what}`, { ...options, retriable: false });
    this.groupId = groupId;
  }
}
