/**
 * The nemesis's schedule, a pure function of a seed: which fault comes next, whom it strikes,
 * how long it lasts and how long the cluster then runs unharmed. The same seed gives the same
 * schedule; which broker a target names (the leader of p1, the controller) is resolved when the
 * fault strikes, from the cluster's metadata at that moment.
 */

/** A broker chosen when the fault strikes: the leader of a partition, the controller, or any running broker. */
export type FaultTarget =
  | { readonly role: 'leader'; readonly partition: number }
  | { readonly role: 'controller' }
  | { readonly role: 'any'; readonly pick: number };

/**
 * - `kill`: SIGKILL the broker, restart it after `holdMs` (same data directory);
 * - `pause`: SIGSTOP, SIGCONT after `holdMs`: shorter than the session a stall, longer a zombie
 *   whose lease etcd expired while it still believes it leads;
 * - `etcd`: SIGKILL etcd, start it again on its data after `holdMs`.
 */
export type Fault =
  | { readonly kind: 'kill'; readonly target: FaultTarget; readonly holdMs: number }
  | { readonly kind: 'pause'; readonly target: FaultTarget; readonly holdMs: number }
  | { readonly kind: 'etcd'; readonly holdMs: number };

/** One step: a fault, sometimes a second one on another broker `alsoAfterMs` later, then `quietMs` of peace. */
export interface FaultStep {
  readonly fault: Fault;
  readonly also?: { readonly fault: Fault; readonly alsoAfterMs: number };
  readonly quietMs: number;
}

export interface ScheduleOptions {
  readonly partitions: number;
  /** The brokers' session timeout: long pauses outlast it, short ones do not. */
  readonly sessionTimeoutMs: number;
}

/** mulberry32: a small seeded generator of floats in [0, 1), the same sequence for the same seed on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Steps whose holds and quiet times add up to at least `durationMs` (the run stops striking at its deadline anyway). */
export function faultSchedule(seed: number, durationMs: number, options: ScheduleOptions): FaultStep[] {
  const random = seededRandom(seed);
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));
  const target = (): FaultTarget => {
    const r = random();
    if (r < 0.5) return { role: 'leader', partition: Math.floor(random() * options.partitions) };
    if (r < 0.75) return { role: 'controller' };
    return { role: 'any', pick: random() };
  };
  const session = options.sessionTimeoutMs;
  const brokerFault = (): Fault => {
    const r = random();
    if (r < 0.45) return { kind: 'kill', target: target(), holdMs: between(500, 2 * session) };
    if (r < 0.75)
      return { kind: 'pause', target: target(), holdMs: between(session + 500, 2 * session + 1000) };
    return { kind: 'pause', target: target(), holdMs: between(200, session - 500) };
  };
  const steps: FaultStep[] = [];
  let planned = 0;
  while (planned < durationMs) {
    const fault: Fault =
      random() < 0.15 ? { kind: 'etcd', holdMs: between(500, 2 * session) } : brokerFault();
    // While etcd is down a broker may be paused (a zombie nobody can fence yet), not killed: it
    // could not start again without etcd.
    const second = fault.kind === 'etcd' ? pauseInstead(brokerFault()) : brokerFault();
    const also = random() < 0.25 ? { fault: second, alsoAfterMs: between(0, fault.holdMs) } : undefined;
    const step: FaultStep = { fault, quietMs: between(500, 2500), ...(also ? { also } : {}) };
    steps.push(step);
    planned += fault.holdMs + step.quietMs;
  }
  return steps;
}

function pauseInstead(fault: Fault): Fault {
  return fault.kind === 'kill' ? { ...fault, kind: 'pause' } : fault;
}

/** One line per fault, for the history: `kill leader of p1 for 1200 ms`. */
export function describeFault(fault: Fault): string {
  if (fault.kind === 'etcd') return `kill etcd for ${fault.holdMs} ms`;
  const { target } = fault;
  const whom =
    target.role === 'leader'
      ? `the leader of p${target.partition}`
      : target.role === 'controller'
        ? 'the controller'
        : 'a broker';
  return `${fault.kind} ${whom} for ${fault.holdMs} ms`;
}
