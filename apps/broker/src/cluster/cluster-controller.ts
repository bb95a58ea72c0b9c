import type { LoggerService } from '@nestjs/common';
import { ClusterFencedError } from './cluster-fenced-error.js';
import type { PartitionState } from './cluster-keys.js';
import type { ClusterMetadataStore, ControllerTerm, Registration } from './cluster-metadata-store.js';
import { electPartitionLeader, electPreferredLeader } from './partition-election.js';

/** Kafka's `auto.leader.rebalance.enable` and the settings of its check. */
export interface LeaderRebalanceConfig {
  readonly autoLeaderRebalanceEnable: boolean;
  /** `leader.imbalance.check.interval.seconds`. */
  readonly leaderImbalanceCheckIntervalSeconds: number;
  /** `leader.imbalance.per.broker.percentage`: a broker's share of its preferred partitions led elsewhere above which they move back. */
  readonly leaderImbalancePerBrokerPercentage: number;
}

/**
 * The controller role, as every broker runs it: after each change of the cluster's metadata,
 * a broker that sees no controller stands for election (ClusterMetadataStore.electController),
 * and the broker that won re-elects the leaders of every partition the live brokers change
 * (electPartitionLeader), writing each new state with a transaction fenced by its election key.
 *
 * A broker that lost its lease (its election key went with it) can no longer write: its
 * transactions fail, it steps down and waits for the watch to show the new controller. Passes
 * never overlap: a change that arrives during one sets `again`, and one more pass follows.
 *
 * With `auto.leader.rebalance.enable`, every `leader.imbalance.check.interval.seconds` the
 * controller also moves leadership back to preferred replicas (electPreferredLeader) for each
 * broker whose share of preferred partitions led elsewhere exceeds
 * `leader.imbalance.per.broker.percentage`, as Kafka's checkAndTriggerAutoLeaderRebalance.
 */
export class ClusterController {
  private term: ControllerTerm | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private rebalanceDue = false;
  private readonly rebalanceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ClusterMetadataStore,
    private readonly nodeId: number,
    private readonly registration: () => Registration | undefined,
    private readonly logger: LoggerService,
    private readonly rebalance?: LeaderRebalanceConfig,
  ) {
    if (rebalance?.autoLeaderRebalanceEnable) {
      this.rebalanceTimer = setInterval(() => {
        this.rebalanceDue = true;
        void this.schedule();
      }, rebalance.leaderImbalanceCheckIntervalSeconds * 1000);
      this.rebalanceTimer.unref();
    }
  }

  /** Runs a pass now, or right after the one running. Resolves when no pass is left to run. */
  schedule(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (err) {
          this.logger.error(`controller pass failed: ${(err as Error).message}`);
        }
      } while (this.again && !this.closed);
      this.running = undefined;
    })();
    return this.running;
  }

  close(): Promise<void> {
    this.closed = true;
    clearInterval(this.rebalanceTimer);
    return this.running ?? Promise.resolve();
  }

  private async pass(): Promise<void> {
    const registration = this.registration();
    if (this.closed || !registration) return;
    const { cache } = this.store;
    // Once the cache has seen the revision of the election, a different election key (or none)
    // means the term is over; before that, the cache merely lags behind the win.
    const lost =
      this.term &&
      cache.revision >= this.term.fence.createRevision &&
      cache.controller?.createRevision !== this.term.fence.createRevision;
    if (this.term && lost) {
      this.logger.warn(
        `broker ${this.nodeId} is no longer the controller (controller epoch ${this.term.controllerEpoch})`,
      );
      this.term = undefined;
    }
    if (!this.term && cache.controller === undefined) {
      this.term = await this.store.electController(this.nodeId, registration);
      if (this.term) {
        this.logger.log(
          `broker ${this.nodeId} is the controller (controller epoch ${this.term.controllerEpoch})`,
        );
      }
    }
    if (!this.term) return;
    const isLive = (id: number) => cache.brokers.has(id);
    await this.elect(this.term, (state, replicas) =>
      electPartitionLeader(state, replicas, isLive, this.term!.controllerEpoch),
    );
    if (this.term && this.rebalanceDue) {
      this.rebalanceDue = false;
      const imbalanced = this.imbalancedBrokers();
      await this.elect(this.term, (state, replicas) =>
        imbalanced.has(replicas[0] ?? -1)
          ? electPreferredLeader(state, replicas, isLive, this.term!.controllerEpoch)
          : undefined,
      );
    }
  }

  /** Brokers whose share of the partitions they are preferred leader of, led by another, exceeds the percentage. */
  private imbalancedBrokers(): Set<number> {
    const preferred = new Map<number, { total: number; elsewhere: number }>();
    const { cache } = this.store;
    for (const [topic, { value: assignment }] of cache.topics) {
      for (const [partition, replicas] of assignment.partitions.entries()) {
        const first = replicas[0];
        const state = cache.partitionState(topic, partition)?.value;
        if (first === undefined || !state) continue;
        const counts = preferred.get(first) ?? { total: 0, elsewhere: 0 };
        counts.total++;
        if (state.leader !== first) counts.elsewhere++;
        preferred.set(first, counts);
      }
    }
    const limit = (this.rebalance?.leaderImbalancePerBrokerPercentage ?? 10) / 100;
    return new Set([...preferred].filter(([, c]) => c.elsewhere / c.total > limit).map(([id]) => id));
  }

  /** Writes, for every partition, the state `choose` makes of it (undefined: unchanged), each fenced by the term. */
  private async elect(
    term: ControllerTerm,
    choose: (state: PartitionState, replicas: readonly number[]) => PartitionState | undefined,
  ): Promise<void> {
    const { cache } = this.store;
    for (const [topic, { value: assignment }] of cache.topics) {
      for (const [partition, replicas] of assignment.partitions.entries()) {
        const current = cache.partitionState(topic, partition);
        if (!current) continue;
        const next = choose(current.value, replicas);
        if (!next) continue;
        try {
          const written = await this.store.writePartitionState(
            topic,
            partition,
            next,
            current.modRevision,
            term.fence,
          );
          if (written) {
            this.logger.log(
              `${topic}-${partition}: leader ${current.value.leader} -> ${next.leader} (leader epoch ${next.leaderEpoch}, isr [${next.isr.join(', ')}])`,
            );
          }
          // Not written: the state changed meanwhile; its watch event schedules another pass.
        } catch (err) {
          if (!(err instanceof ClusterFencedError)) throw err;
          this.logger.warn(`controller ${this.nodeId} is fenced: ${err.description}`);
          this.term = undefined;
          return;
        }
      }
    }
  }
}
