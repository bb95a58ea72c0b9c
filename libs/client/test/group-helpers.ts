import type { ManualScheduler } from '@runnel/coordinator';
import { ConsumerCoordinator, type RebalanceListener } from '../src/consumer/group/consumer-coordinator.js';
import type { ConsumerGroupOptions } from '../src/consumer/group/consumer-group-options.js';
import type { GroupEvent } from '../src/consumer/group/group-events.js';
import { Cluster } from '../src/metadata/cluster.js';
import type { TopicPartition } from '../src/metadata/topic-partition.js';
import { parseBootstrap } from './support/test-broker.js';

/** Group timings small enough for specs; the broker of group specs allows sessions from 1 s. */
export const FAST_GROUP = {
  sessionTimeoutMs: 3_000,
  heartbeatIntervalMs: 100,
  rebalanceTimeoutMs: 10_000,
  retryBackoffMs: 50,
} as const;

export type ListenerCall = { readonly kind: 'assigned' | 'revoked' | 'lost'; readonly partitions: string[] };

/**
 * A ConsumerCoordinator on its own Cluster (as a consumer process has), with a listener that
 * records every call and tracks what the member owns. `until(condition)` resolves once the
 * condition holds after some listener call or group event: nothing polls or sleeps.
 */
export class RecordingMember {
  readonly calls: ListenerCall[] = [];
  readonly events: GroupEvent[] = [];
  readonly warnings: string[] = [];
  readonly owned = new Set<string>();
  readonly coordinator: ConsumerCoordinator;
  readonly cluster: Cluster;
  #waiters: { condition: () => boolean; resolve: () => void }[] = [];

  constructor(
    bootstrap: string,
    options: ConsumerGroupOptions,
    hooks: Partial<RebalanceListener> = {},
    {
      metadataMaxAgeMs = 300_000,
      scheduler,
    }: { metadataMaxAgeMs?: number; scheduler?: ManualScheduler } = {},
  ) {
    const connection = {
      clientId: `group-spec-${options.groupId}`,
      connectTimeoutMs: 5_000,
      requestTimeoutMs: 10_000,
    };
    this.cluster = new Cluster({
      ...connection,
      brokers: [parseBootstrap(bootstrap)],
      metadataMaxAgeMs,
      reconnectBackoffMs: 50,
      reconnectBackoffMaxMs: 1_000,
      allowAutoTopicCreation: false,
    });
    const record = (kind: ListenerCall['kind'], partitions: TopicPartition[]) => {
      this.calls.push({ kind, partitions: partitions.map(name) });
      for (const tp of partitions) {
        if (kind === 'assigned') this.owned.add(name(tp));
        else this.owned.delete(name(tp));
      }
      this.#notify();
    };
    this.coordinator = new ConsumerCoordinator(
      this.cluster,
      options,
      {
        onPartitionsAssigned: async (partitions) => {
          await hooks.onPartitionsAssigned?.(partitions);
          record('assigned', partitions);
        },
        onPartitionsRevoked: async (partitions) => {
          await hooks.onPartitionsRevoked?.(partitions);
          record('revoked', partitions);
        },
        onPartitionsLost: async (partitions) => {
          await hooks.onPartitionsLost?.(partitions);
          record('lost', partitions);
        },
      },
      {
        connection,
        logger: { warn: (message) => this.warnings.push(message) },
        ...(scheduler === undefined ? {} : { clock: scheduler, scheduler }),
      },
    );
    this.coordinator.onEvent((event) => {
      this.events.push(event);
      this.#notify();
    });
  }

  async start(topics: string[]): Promise<void> {
    await this.cluster.connect();
    this.coordinator.subscribe(topics);
    await this.coordinator.start();
  }

  async stop(): Promise<void> {
    await this.coordinator.stop();
    await this.cluster.disconnect();
  }

  /** Generations this member completed, in order. */
  get generations(): number[] {
    return this.events.flatMap((event) => (event.type === 'group-join' ? [event.generationId] : []));
  }

  until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ condition, resolve }));
  }

  #notify(): void {
    this.#waiters = this.#waiters.filter(({ condition, resolve }) => {
      if (!condition()) return true;
      resolve();
      return false;
    });
  }
}

export function name({ topic, partition }: TopicPartition): string {
  return `${topic}:${partition}`;
}

/** Every partition of the topic owned by exactly one of the members. */
export function splitDisjointly(
  members: readonly RecordingMember[],
  topic: string,
  partitions: number,
): boolean {
  const owners = members.flatMap((member) => [...member.owned]);
  const expected = Array.from({ length: partitions }, (_, p) => `${topic}:${p}`);
  return owners.length === partitions && expected.every((tp) => owners.includes(tp));
}

/** Waits until every member's condition holds, each re-checked whenever any of them changes. */
export async function untilAll(members: readonly RecordingMember[], condition: () => boolean): Promise<void> {
  await Promise.race(members.map((member) => member.until(condition)));
}
