import { NO_LEADER, type PartitionState } from './cluster-keys.js';

/**
 * What the controller makes of a partition's state given the brokers now live, as Kafka's
 * controller does on a broker's failure or return (`onBrokerFailure`, `onBrokerStartup`, with
 * `unclean.leader.election.enable` false):
 *
 * - a live leader keeps its place; in-sync replicas that died leave the ISR;
 * - a dead (or absent) leader is replaced by the first replica, in assignment order, that is live
 *   and in the ISR (OfflinePartitionLeaderElection); the ISR keeps its live members;
 * - when no in-sync replica is live the partition has no leader (NO_LEADER) and its ISR is left
 *   as it was, so that the last in-sync replicas can lead again when they return: a replica
 *   outside the ISR may lack acknowledged records and is never elected.
 *
 * Returns the new state (leader epoch + 1, written by `controllerEpoch`), or undefined when
 * nothing changes. Pure: the controller writes the result with a transaction that fences it.
 */
export function electPartitionLeader(
  current: PartitionState,
  replicas: readonly number[],
  isLive: (brokerId: number) => boolean,
  controllerEpoch: number,
): PartitionState | undefined {
  const liveIsr = current.isr.filter(isLive);
  if (current.leader !== NO_LEADER && isLive(current.leader)) {
    if (liveIsr.length === current.isr.length) return undefined;
    return next(current, current.leader, liveIsr, controllerEpoch);
  }
  const leader = replicas.find((id) => isLive(id) && current.isr.includes(id));
  if (leader === undefined) {
    if (current.leader === NO_LEADER) return undefined;
    return next(current, NO_LEADER, current.isr, controllerEpoch);
  }
  return next(current, leader, liveIsr, controllerEpoch);
}

/**
 * The preferred replica election Kafka's controller runs for `auto.leader.rebalance.enable`: a
 * partition whose first replica (its preferred leader) is live and in sync, but not leading, is
 * led by it again (leader epoch + 1, ISR kept). Undefined when nothing changes.
 */
export function electPreferredLeader(
  current: PartitionState,
  replicas: readonly number[],
  isLive: (brokerId: number) => boolean,
  controllerEpoch: number,
): PartitionState | undefined {
  const preferred = replicas[0];
  if (preferred === undefined || current.leader === preferred) return undefined;
  if (!isLive(preferred) || !current.isr.includes(preferred)) return undefined;
  return next(current, preferred, current.isr, controllerEpoch);
}

function next(
  current: PartitionState,
  leader: number,
  isr: readonly number[],
  controllerEpoch: number,
): PartitionState {
  return { leader, leaderEpoch: current.leaderEpoch + 1, isr, controllerEpoch };
}

/**
 * The state a new partition starts with, as Kafka's: its first replica (the preferred leader)
 * leads at epoch 0 and every replica is in sync, since every log is empty. A follower that then
 * does not fetch leaves the ISR after `replica.lag.time.max.ms` (ReplicaManager).
 */
export function initialPartitionState(replicas: readonly number[], controllerEpoch: number): PartitionState {
  const leader = replicas[0];
  if (leader === undefined) throw new RangeError('a partition needs at least one replica');
  return { leader, leaderEpoch: 0, isr: [...replicas], controllerEpoch };
}
