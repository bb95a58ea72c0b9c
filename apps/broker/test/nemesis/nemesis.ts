import { describeFault, type Fault, type FaultStep, type FaultTarget } from './fault-schedule.js';
import type { NemesisEvent } from './history.js';
import type { NemesisCluster } from './nemesis-cluster.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Carries out a fault schedule on a NemesisCluster until a deadline, writing each action into
 * the history's nemesis events as it happens. Each fault is healed before its step ends (a killed
 * broker restarted, a paused one resumed, etcd started), so at the deadline only the step in
 * progress remains to heal, which `run` finishes before it resolves.
 */
export class Nemesis {
  /** Brokers a fault of the current step holds, so that its second fault strikes another. */
  private readonly struck = new Set<number>();

  constructor(
    private readonly cluster: NemesisCluster,
    private readonly topic: string,
    private readonly events: NemesisEvent[],
    private readonly now: () => number,
  ) {}

  async run(steps: readonly FaultStep[], deadlineMs: number): Promise<void> {
    for (const step of steps) {
      if (this.now() >= deadlineMs) return;
      const first = this.strike(step.fault);
      const second = step.also
        ? sleep(step.also.alsoAfterMs).then(() => this.strike(step.also!.fault))
        : Promise.resolve();
      await Promise.all([first, second]);
      await sleep(step.quietMs);
    }
  }

  private record(action: string): void {
    this.events.push({ atMs: this.now(), action });
  }

  private async strike(fault: Fault): Promise<void> {
    if (fault.kind === 'etcd') {
      this.record(`etcd killed (${describeFault(fault)})`);
      await this.cluster.killEtcd();
      await sleep(fault.holdMs);
      await this.cluster.startEtcd();
      this.record('etcd started');
      return;
    }
    const { id, why } = await this.resolve(fault.target);
    if (id === undefined) {
      this.record(`${describeFault(fault)}: skipped, ${why}`);
      return;
    }
    this.struck.add(id);
    try {
      if (fault.kind === 'kill') {
        this.record(`broker ${id} killed (${why}; ${describeFault(fault)})`);
        await this.cluster.kill(id);
        await sleep(fault.holdMs);
        this.record(`broker ${id} restarting`);
        await this.cluster.restart(id, (why) => this.record(`broker ${id} did not start: ${why}`));
        this.record(`broker ${id} started`);
      } else {
        this.record(`broker ${id} paused (${why}; ${describeFault(fault)})`);
        this.cluster.pause(id);
        await sleep(fault.holdMs);
        this.cluster.resume(id);
        this.record(`broker ${id} resumed`);
      }
    } finally {
      this.struck.delete(id);
    }
  }

  /** The running broker a target names now, and why; undefined when there is none (no leader, no controller). */
  private async resolve(target: FaultTarget): Promise<{ id: number | undefined; why: string }> {
    const candidates = this.cluster.running.filter((id) => !this.struck.has(id));
    if (target.role === 'any') {
      return { id: candidates[Math.floor(target.pick * candidates.length)], why: 'any broker' };
    }
    const metadata = await this.cluster.metadata(this.topic);
    if (!metadata) return { id: undefined, why: 'no broker answered Metadata' };
    const id =
      target.role === 'controller'
        ? metadata.controllerId
        : metadata.topics[0]?.partitions.find((p) => p.partitionIndex === target.partition)?.leaderId;
    const what = target.role === 'controller' ? 'the controller' : `the leader of p${target.partition}`;
    if (id === undefined || !candidates.includes(id))
      return { id: undefined, why: `${what} is ${id ?? 'unknown'}` };
    return { id, why: what };
  }
}
