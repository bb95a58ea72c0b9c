import type { Workload } from './workload.js';

/** What one row measured. Rates are records/s; latencies are ms from send to receipt. */
export interface Figures {
  produce: number;
  consume?: number;
  latencyP50?: number;
  latencyP99?: number;
}

/** How a row ended: measured, skipped because its binary is missing, or failed while present. */
export type Outcome =
  | { kind: 'ran'; figures: Figures }
  | { kind: 'not-run'; reason: string }
  | { kind: 'failed'; reason: string };

/** What the report needs to say about a row, whatever its outcome. */
export interface RowDescription {
  /** Names the row's JSON figures: `peers.<id>.produce`, ... */
  id: string;
  system: string;
  /** Short name for the chart: system and client. */
  label: string;
  /** The client that drives it, with the settings that matter. */
  client: string;
  /** When an acknowledged record is safe, in words a reader can compare across rows. */
  durability: string;
}

export interface Row extends RowDescription {
  outcome: Outcome;
}

/** The run's settings, shared by every peer. */
export interface PeerContext {
  workload: Workload;
  /** Records per second of the latency phase. */
  latencyRate: number;
  /** Seconds paced at `latencyRate` before latencies count. */
  warmupSeconds: number;
  /** Seconds whose latencies count. */
  latencySeconds: number;
  /** A fresh directory for this peer's data, removed after it. */
  dataDir: string;
}

/**
 * One system with one client. `missing()` names the binary or build that is absent (the row is
 * then reported as not run); `run()` starts the system on 127.0.0.1, measures, and stops it
 * before it settles, whether it succeeded or not.
 */
export interface Peer extends RowDescription {
  missing(): string | undefined;
  run(context: PeerContext): Promise<Figures>;
}
