import type { LoggerService } from '@nestjs/common';
import { ClusterFencedError } from './cluster-fenced-error.js';
import type { ClusterMetadataStore, ControllerTerm, Registration } from './cluster-metadata-store.js';
import { electPartitionLeader } from './partition-election.js';

/**
 * The controller role, as every broker runs it: after each change of the cluster's metadata,
 * a broker that sees no controller stands for election (ClusterMetadataStore.electController),
 * and the broker that won re-elects the leaders of every partition the live brokers change
 * (electPartitionLeader), writing each new state with a transaction fenced by its election key.
 *
 * A broker that lost its lease (its election key went with it) can no longer write: its
 * transactions fail, it steps down and waits for the watch to show the new controller. Passes
 * never overlap: a change that arrives during one sets `again`, and one more pass follows.
 */
export class ClusterController {
  private term: ControllerTerm | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(
    private readonly store: ClusterMetadataStore,
    private readonly nodeId: number,
    private readonly registration: () => Registration | undefined,
    private readonly logger: LoggerService,
  ) {}

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
    if (this.term) await this.electLeaders(this.term);
  }

  private async electLeaders(term: ControllerTerm): Promise<void> {
    const { cache } = this.store;
    const isLive = (id: number) => cache.brokers.has(id);
    for (const [topic, { value: assignment }] of cache.topics) {
      for (const [partition, replicas] of assignment.partitions.entries()) {
        const current = cache.partitionState(topic, partition);
        if (!current) continue;
        const next = electPartitionLeader(current.value, replicas, isLive, term.controllerEpoch);
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
