import type { ConsumerCoordinator } from './group/consumer-coordinator.js';
import type { PartitionState } from './partition-state.js';

/** An offset the group accepted: the next offset to read of one partition. */
export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

/** What has been finished and not committed yet, per partition (each tracker's committable position). */
export function uncommittedOffsets<K, V>(states: readonly PartitionState<K, V>[]): CommittedOffset[] {
  return states.flatMap(({ topic, partition, tracker }) => {
    const offset = tracker.committable();
    return offset === undefined ? [] : [{ topic, partition, offset }];
  });
}

/**
 * A group member's commits: auto commit every `intervalMs` (when enabled), on request, and of
 * explicit offsets. Only what the partitions' trackers say handlers finished is sent by the
 * automatic paths, and only where it moved since the last commit. Each accepted commit is
 * reported to `committed`, and recorded in the tracker so it is not sent again.
 */
export class ConsumerCommits<K, V> {
  private timer: NodeJS.Timeout | undefined;
  private lastCommit = 0;
  private stopped = false;

  constructor(
    private readonly coordinator: ConsumerCoordinator,
    private readonly intervalMs: number,
    private readonly assigned: () => PartitionState<K, V>[],
    private readonly committed: (offsets: CommittedOffset[]) => void,
  ) {}

  /** Commits what was finished every `intervalMs`, until stop(). */
  startAutoCommit(): void {
    this.timer = setTimeout(async () => {
      try {
        await this.commitFinished();
      } catch {
        // A failed auto commit (a rebalance under way, a lost connection) is retried at the next interval.
      }
      if (!this.stopped) this.startAutoCommit();
    }, this.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** eachBatch's commitOffsetsIfNecessary: commits once `intervalMs` has passed since the last commit. */
  async commitIfDue(): Promise<void> {
    if (Date.now() - this.lastCommit >= this.intervalMs) await this.commitFinished();
  }

  /** Commits the finished position of `states` (default: every assigned partition) where it moved. */
  async commitFinished(states: readonly PartitionState<K, V>[] = this.assigned()): Promise<void> {
    const offsets = uncommittedOffsets(states);
    this.lastCommit = Date.now();
    if (offsets.length === 0) return;
    await this.coordinator.commitOffsets(offsets);
    for (const { topic, partition, offset } of offsets) {
      states.find((s) => s.topic === topic && s.partition === partition)?.tracker.committed(offset);
    }
    this.committed(offsets);
  }

  /** Commits exactly these offsets (consumer.commitOffsets), whatever the handlers finished. */
  async commit(offsets: readonly (CommittedOffset & { metadata?: string })[]): Promise<void> {
    await this.coordinator.commitOffsets([...offsets]);
    const states = this.assigned();
    for (const { topic, partition, offset } of offsets) {
      states.find((s) => s.topic === topic && s.partition === partition)?.tracker.committed(offset);
    }
    this.committed(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
  }
}
