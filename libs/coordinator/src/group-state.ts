/**
 * The states of a classic consumer group, spelled as Kafka spells them on the wire (DescribeGroups,
 * ListGroups) and in its logs.
 *
 * - Empty: no members; the group may still hold committed offsets. A JoinGroup starts a rebalance.
 * - PreparingRebalance: waiting for every known member to (re)send JoinGroup, until the rebalance
 *   timeout. The first rebalance of an Empty group also waits `groupInitialRebalanceDelayMs`.
 * - CompletingRebalance: a new generation was formed and the JoinGroup responses sent; waiting for
 *   the leader's SyncGroup carrying the assignment (Kafka's older name: AwaitingSync).
 * - Stable: every member has its assignment and heartbeats.
 * - Dead: removed (all offsets expired or deleted); kept only by whoever still holds a reference.
 */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** The states a group may enter each state from (Kafka's `validPreviousStates`). */
const VALID_PREVIOUS_STATES: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export function canTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS_STATES[to].includes(from);
}

/** Thrown for a transition the state machine forbids: a bug in the coordinator, never a client error. */
export class IllegalGroupStateError extends Error {
  override readonly name = 'IllegalGroupStateError';
}
