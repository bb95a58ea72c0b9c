import { isRetriable } from '../errors/is-retriable.js';
import type { ResolvedAdminOptions } from './admin-options.js';

const MAX_BACKOFF_MS = 1000;

/**
 * Runs `attempt`, and again after a retriable error (a lost connection, NOT_CONTROLLER,
 * COORDINATOR_LOAD_IN_PROGRESS, ...) up to `retries` times, waiting `retryBackoffMs` doubling up to
 * 1 s between tries and calling `beforeRetry` first (to refresh metadata or forget a coordinator).
 * A non-retriable error, or the last retriable one, is thrown as it came.
 */
export async function withRetries<T>(
  options: ResolvedAdminOptions,
  attempt: () => Promise<T>,
  beforeRetry?: (err: unknown) => Promise<unknown>,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (err) {
      if (retry >= options.retries || !isRetriable(err)) throw err;
      const wait = Math.min(MAX_BACKOFF_MS, options.retryBackoffMs * 2 ** retry);
      await new Promise((resolve) => setTimeout(resolve, wait));
      await beforeRetry?.(err);
    }
  }
}
