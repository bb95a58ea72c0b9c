import {
  assignorByName,
  type PartitionAssignor,
  type RebalanceProtocol,
  roundRobinAssignor,
} from '@runnel/coordinator';
import { rebalanceProtocolOf } from './assignment-strategy.js';
import { ConsumerGroupConfigError } from './group-errors.js';

/**
 * kafkajs's round-robin assignor advertises itself as `RoundRobinAssigner` where Java and
 * librdkafka say `roundrobin`; the assignment is the same for members subscribed alike. Listing
 * this name lets our consumers share a group with kafkajs consumers on their default assignor.
 */
export const KAFKAJS_ROUND_ROBIN = 'RoundRobinAssigner';

const kafkajsRoundRobinAssignor: PartitionAssignor = { ...roundRobinAssignor, name: KAFKAJS_ROUND_ROBIN };

/** The group membership options of a consumer, with Kafka's names and meaning. */
export interface ConsumerGroupOptions {
  /** `group.id`: the consumer group to join. Required. */
  groupId: string;
  /**
   * `session.timeout.ms`: how long the coordinator waits for a heartbeat before it expels the
   * member (default 45000, Kafka 3.0+'s). Must lie within the broker's
   * group.min/max.session.timeout.ms (6 s to 30 min by default).
   */
  sessionTimeoutMs?: number;
  /**
   * How long the coordinator waits for every member to rejoin in a rebalance (JoinGroup's
   * rebalance_timeout_ms). Default: `maxPollIntervalMs`, as the Java consumer sends.
   */
  rebalanceTimeoutMs?: number;
  /** `heartbeat.interval.ms`: time between heartbeats, below `sessionTimeoutMs` (default 3000). */
  heartbeatIntervalMs?: number;
  /**
   * `max.poll.interval.ms`: the longest the consumer may go without progress (handlers finishing)
   * before the member leaves the group so that others take its partitions (default 300000).
   */
  maxPollIntervalMs?: number;
  /**
   * `partition.assignment.strategy`: the assignors this member supports, preferred first (default
   * `['range', 'cooperative-sticky']`, as Java). Built-in names: `range`, `roundrobin`, `sticky`,
   * `cooperative-sticky`, and `RoundRobinAssigner` (round robin under kafkajs's protocol name); or
   * an assignor object of @runnel/coordinator's `PartitionAssignor` shape. The group uses the first
   * protocol every member supports. The rebalance protocol is cooperative only when every listed
   * assignor supports it (Java's rule), so the default list rebalances eagerly; list only
   * `cooperative-sticky` for incremental cooperative rebalancing.
   */
  partitionAssigners?: readonly (string | PartitionAssignor)[];
  /**
   * `group.instance.id`: makes this a static member: it sends no LeaveGroup when it stops, and a
   * restart with the same id within `sessionTimeoutMs` takes its assignment back without a
   * rebalance (default null: a dynamic member).
   */
  groupInstanceId?: string | null;
  /** `retry.backoff.ms`: wait before retrying a failed group request (default 100). */
  retryBackoffMs?: number;
}

/** {@link ConsumerGroupOptions} with every default filled in and every value checked. */
export interface GroupConfig {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly assignors: readonly PartitionAssignor[];
  /** Cooperative when every assignor supports it, else eager. */
  readonly rebalanceProtocol: RebalanceProtocol;
  readonly groupInstanceId: string | null;
  readonly retryBackoffMs: number;
}

export const DEFAULT_GROUP_OPTIONS = {
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3_000,
  maxPollIntervalMs: 300_000,
  partitionAssigners: ['range', 'cooperative-sticky'],
  groupInstanceId: null,
  retryBackoffMs: 100,
} as const;

/** Kafka's limit on group.instance.id (JoinGroupRequest.validateGroupInstanceId). */
const INSTANCE_ID_MAX_LENGTH = 249;
const INSTANCE_ID_PATTERN = /^[a-zA-Z0-9._-]+$/;
/** JoinGroup carries timeouts as int32. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function resolveGroupConfig(options: ConsumerGroupOptions): GroupConfig {
  const { groupId } = options;
  if (typeof groupId !== 'string' || groupId.length === 0) {
    throw new ConsumerGroupConfigError('groupId', groupId, 'must be a non-empty string');
  }
  const sessionTimeoutMs = timeout(options, 'sessionTimeoutMs', DEFAULT_GROUP_OPTIONS.sessionTimeoutMs);
  const heartbeatIntervalMs = timeout(
    options,
    'heartbeatIntervalMs',
    DEFAULT_GROUP_OPTIONS.heartbeatIntervalMs,
  );
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw new ConsumerGroupConfigError(
      'heartbeatIntervalMs',
      heartbeatIntervalMs,
      `must be below sessionTimeoutMs (${sessionTimeoutMs})`,
    );
  }
  const maxPollIntervalMs = timeout(options, 'maxPollIntervalMs', DEFAULT_GROUP_OPTIONS.maxPollIntervalMs);
  const assignors = resolveAssignors(options.partitionAssigners ?? DEFAULT_GROUP_OPTIONS.partitionAssigners);
  const rebalanceProtocol = rebalanceProtocolOf(assignors);
  if (rebalanceProtocol === undefined) {
    throw new ConsumerGroupConfigError(
      'partitionAssigners',
      assignors.map(({ name }) => name),
      'the assignors share no rebalance protocol (eager or cooperative)',
    );
  }
  return {
    groupId,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxPollIntervalMs,
    rebalanceTimeoutMs: timeout(options, 'rebalanceTimeoutMs', maxPollIntervalMs),
    assignors,
    rebalanceProtocol,
    groupInstanceId: instanceId(options.groupInstanceId ?? null),
    retryBackoffMs: timeout(options, 'retryBackoffMs', DEFAULT_GROUP_OPTIONS.retryBackoffMs, 0),
  };
}

type TimeoutOption =
  | 'sessionTimeoutMs'
  | 'heartbeatIntervalMs'
  | 'maxPollIntervalMs'
  | 'rebalanceTimeoutMs'
  | 'retryBackoffMs';

function timeout(options: ConsumerGroupOptions, name: TimeoutOption, fallback: number, min = 1): number {
  const value = options[name] ?? fallback;
  if (!Number.isInteger(value) || value < min || value > MAX_TIMEOUT_MS) {
    throw new ConsumerGroupConfigError(
      name,
      value,
      `must be an integer from ${min} to ${MAX_TIMEOUT_MS} (ms)`,
    );
  }
  return value;
}

function resolveAssignors(listed: readonly (string | PartitionAssignor)[]): PartitionAssignor[] {
  if (!Array.isArray(listed) || listed.length === 0) {
    throw new ConsumerGroupConfigError('partitionAssigners', listed, 'must list at least one assignor');
  }
  const assignors = listed.map((entry) => {
    const assignor = typeof entry === 'string' ? builtInAssignor(entry) : entry;
    if (assignor === undefined) {
      throw new ConsumerGroupConfigError(
        'partitionAssigners',
        entry,
        `unknown assignor; the built-in ones are range, roundrobin, sticky, cooperative-sticky and ${KAFKAJS_ROUND_ROBIN}`,
      );
    }
    if (typeof assignor.name !== 'string' || typeof assignor.assign !== 'function') {
      throw new ConsumerGroupConfigError(
        'partitionAssigners',
        assignor.name,
        'an assignor object needs a name, supportedProtocols and assign()',
      );
    }
    return assignor;
  });
  const names = assignors.map(({ name }) => name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new ConsumerGroupConfigError('partitionAssigners', repeated, 'an assignor may be listed only once');
  }
  return assignors;
}

function builtInAssignor(name: string): PartitionAssignor | undefined {
  return name === KAFKAJS_ROUND_ROBIN ? kafkajsRoundRobinAssignor : assignorByName(name);
}

function instanceId(value: string | null): string | null {
  if (value === null) return null;
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > INSTANCE_ID_MAX_LENGTH ||
    !INSTANCE_ID_PATTERN.test(value)
  ) {
    throw new ConsumerGroupConfigError(
      'groupInstanceId',
      value,
      `must be 1 to ${INSTANCE_ID_MAX_LENGTH} characters of ASCII letters, digits, '.', '_' and '-'`,
    );
  }
  return value;
}
