import type { TopicPartition } from '../../metadata/topic-partition.js';

/** What the coordinator reports as it goes; the consumer passes these on to its users. */
export type GroupEvent =
  /** A rebalance completed and its assignment reached the listener. */
  | {
      readonly type: 'group-join';
      readonly groupId: string;
      readonly memberId: string;
      readonly generationId: number;
      readonly leaderId: string;
      readonly isLeader: boolean;
      /** The assignor the group chose. */
      readonly protocol: string;
      /** Everything the member owns now. */
      readonly assigned: readonly TopicPartition[];
      readonly added: readonly TopicPartition[];
      readonly revoked: readonly TopicPartition[];
    }
  /** The member is about to rejoin, and why. */
  | {
      readonly type: 'rebalancing';
      readonly groupId: string;
      readonly memberId: string;
      readonly reason: string;
    }
  /** Handlers made no progress for longer than `maxPollIntervalMs`: the member left the group. */
  | {
      readonly type: 'max-poll-interval-exceeded';
      readonly groupId: string;
      readonly memberId: string;
      readonly sincePollMs: number;
      readonly maxPollIntervalMs: number;
    }
  /** The member cannot stay in the group (fenced, refused, a listener that failed); it stopped. */
  | { readonly type: 'member-failed'; readonly groupId: string; readonly error: Error };

export type GroupEventListener = (event: GroupEvent) => void;

/** Where the coordinator writes what a person running the consumer should know. */
export interface GroupLogger {
  warn(message: string): void;
}

/** Without a logger, warnings are Node process warnings (printed to stderr unless handled). */
export const processWarnings: GroupLogger = {
  warn: (message) => process.emitWarning(message, { type: 'RunnelConsumerGroup' }),
};

/** What the member says when it leaves its group after a poll timeout, and what to do about it. */
export function pollTimeoutWarning({
  groupId,
  memberId,
  sincePollMs,
  maxPollIntervalMs,
}: Extract<GroupEvent, { type: 'max-poll-interval-exceeded' }>): string {
  return (
    `group '${groupId}': member ${memberId} made no progress for ${sincePollMs} ms, longer than ` +
    `maxPollIntervalMs (${maxPollIntervalMs} ms); it leaves the group so that other members take its ` +
    'partitions, and rejoins when its handlers make progress again. Raise maxPollIntervalMs or hand ' +
    'smaller batches to slow handlers.'
  );
}
