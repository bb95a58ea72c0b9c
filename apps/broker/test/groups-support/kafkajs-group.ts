import type { Consumer, ConsumerConfig, EachMessagePayload, Kafka } from 'kafkajs';

/** A consumed message: where it came from and its key and value as strings. */
export interface Received {
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string;
  readonly value: string;
}

/**
 * A kafkajs consumer in a group, recording the assignment of its latest GROUP_JOIN and every
 * message it receives, so that tests can await a state instead of sleeping.
 */
export class GroupMember {
  readonly consumer: Consumer;
  /** Partitions of the subscribed topic assigned at the latest join; undefined before the first. */
  assignment: readonly number[] | undefined;
  readonly received: Received[] = [];
  private readonly watchers = new Set<() => void>();

  constructor(
    kafka: Kafka,
    config: ConsumerConfig,
    private readonly topic: string,
  ) {
    this.consumer = kafka.consumer(config);
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assignment = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      this.notify();
    });
  }

  /** Connects, subscribes to the topic and starts consuming (auto commit on). */
  async start(fromBeginning: boolean): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning });
    await this.consumer.run({
      eachMessage: async ({ partition, message }: EachMessagePayload) => {
        this.received.push({
          partition,
          offset: BigInt(message.offset),
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
        });
        this.notify();
      },
    });
  }

  /** Resolves once `condition` holds, re-checked after every join and message of `members`. */
  static until(members: readonly GroupMember[], condition: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        for (const member of members) member.watchers.delete(check);
        resolve();
      };
      for (const member of members) member.watchers.add(check);
      check();
    });
  }

  private notify(): void {
    for (const watcher of [...this.watchers]) watcher();
  }
}

/** True when the members' assignments are disjoint and together cover partitions 0..count-1. */
export function partitionsSplit(members: readonly GroupMember[], count: number): boolean {
  const all = members.flatMap((member) => member.assignment ?? []);
  if (members.some((member) => member.assignment === undefined || member.assignment.length === 0))
    return false;
  return all.length === count && new Set(all).size === count;
}
