/**
 * How long to wait before the next connection attempt to a broker after `failures` attempts in a
 * row failed, as Kafka's client computes it (`reconnect.backoff.ms`, `reconnect.backoff.max.ms`):
 * `baseMs * 2^(failures - 1)`, capped at `maxMs`, then spread by ±20% so that many clients losing
 * the same broker do not all come back at the same instant. 0 failures means no wait.
 */
export function reconnectBackoff(
  failures: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  if (failures <= 0) return 0;
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
  const jitter = 0.8 + 0.4 * random();
  return Math.round(Math.min(maxMs, exponential * jitter));
}
