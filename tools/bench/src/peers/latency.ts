import type { PeerContext } from './peer.js';
import { percentile } from './percentiles.js';
import { latencyRecord } from './workload.js';

/** How long the handshake record, and after the last send the last record, may take to arrive. */
const ARRIVAL_TIMEOUT_MS = 15_000;

/** The two ends of one latency phase, set up by a peer on a fresh topic or stream. */
export interface LatencyEnds {
  /**
   * Sends `records`, whose sequence numbers start at `first` (called once per timer tick with
   * those that fell due), without waiting for acknowledgements: an application sending events as
   * they happen. A failed send is reported to the sink's `fail`.
   */
  send(records: readonly Buffer[], first: number): void;
  /** Closes both ends. */
  close(): Promise<void>;
}

/**
 * What the receiving end calls: `received(seq)` for each record as it arrives, `fail(err)` when
 * it cannot go on. A sequence number that was not sent, or comes twice, fails the phase.
 */
export interface LatencySink {
  received(seq: number): void;
  fail(err: unknown): void;
}

/**
 * One latency phase. `open(sink)` sets up a receiver delivering to `sink` and a sender. Record 0
 * goes first, alone, and the clock starts once it has arrived, so neither end's connecting or
 * subscribing is timed. Then `latencyRate` records/s are sent for `warmupSeconds + latencySeconds`,
 * paced by a 1 ms timer (not a busy loop: the systems measured need the CPU), and once every
 * record has arrived the result is the p50 and p99 of send -> receipt over those after the warm-up.
 */
export async function measureLatency(
  context: PeerContext,
  open: (sink: LatencySink) => Promise<LatencyEnds>,
): Promise<{ p50: number; p99: number }> {
  const paced = (context.warmupSeconds + context.latencySeconds) * context.latencyRate;
  const total = 1 + paced;
  const firstTimed = 1 + context.warmupSeconds * context.latencyRate;
  const sentAt = new Float64Array(total).fill(Number.NaN);
  const seen = new Uint8Array(total);
  const latencies: number[] = [];
  let received = 0;
  let failure: unknown;
  const waiters: { count: number; resolve: () => void }[] = [];
  const wake = () => {
    for (const waiter of waiters.splice(0)) {
      if (failure !== undefined || received >= waiter.count) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  /** Resolves once `count` records arrived or the phase failed; fails it after ARRIVAL_TIMEOUT_MS. */
  const arrived = async (count: number, what: string) => {
    const timer = setTimeout(() => {
      sink.fail(
        new Error(
          `latency phase: ${received} of ${count} records arrived within ${ARRIVAL_TIMEOUT_MS} ms of ${what}`,
        ),
      );
    }, ARRIVAL_TIMEOUT_MS);
    await new Promise<void>((resolve) => {
      waiters.push({ count, resolve });
      wake();
    });
    clearTimeout(timer);
  };
  const sink: LatencySink = {
    received(seq) {
      const now = performance.now();
      if (!(seq >= 0 && seq < total) || seen[seq] === 1 || Number.isNaN(sentAt[seq]!)) {
        sink.fail(new Error(`latency phase received record ${seq}, which was not sent or came twice`));
        return;
      }
      seen[seq] = 1;
      if (seq >= firstTimed) latencies.push(now - sentAt[seq]!);
      received++;
      wake();
    },
    fail(err) {
      failure ??= err;
      wake();
    },
  };

  const ends = await open(sink);
  try {
    sentAt[0] = performance.now();
    ends.send([latencyRecord(0)], 0);
    await arrived(1, 'the handshake record');
    const start = performance.now();
    let sent = 1;
    await new Promise<void>((resolve) => {
      const tick = () => {
        if (failure !== undefined) return resolve();
        const due = Math.min(
          total,
          1 + Math.floor(((performance.now() - start) / 1000) * context.latencyRate),
        );
        if (due > sent) {
          const records: Buffer[] = [];
          for (let seq = sent; seq < due; seq++) records.push(latencyRecord(seq));
          sentAt.fill(performance.now(), sent, due);
          ends.send(records, sent);
          sent = due;
        }
        if (sent < total) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
    await arrived(total, 'the last send');
  } finally {
    await ends.close();
  }
  if (failure !== undefined) throw failure;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
