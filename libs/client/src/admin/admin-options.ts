import { RunnelError } from '../errors/runnel-error.js';

/** Options of `runnel.admin(...)`. */
export interface AdminOptions {
  /** How many times a request failing with a retriable error is tried again (`retries`). Default 5. */
  retries?: number;
  /** Wait before the first retry, doubling per retry up to 1000 ms (`retry.backoff.ms`). Default 100. */
  retryBackoffMs?: number;
  /** How long the broker may take over CreateTopics, DeleteTopics, CreatePartitions and DeleteRecords, and how long `waitForLeaders` waits (`timeoutMs` of those requests). Default 5000, as kafkajs. */
  timeoutMs?: number;
}

export const DEFAULT_ADMIN_OPTIONS = { retries: 5, retryBackoffMs: 100, timeoutMs: 5000 } as const;

export type ResolvedAdminOptions = { readonly [K in keyof AdminOptions]-?: number };

export function resolveAdminOptions(options: AdminOptions = {}): ResolvedAdminOptions {
  const resolved = { ...DEFAULT_ADMIN_OPTIONS, ...options };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 0 || value > 2_147_483_647) {
      throw new RunnelError(`${name}: ${String(value)} is not a whole number from 0 to 2147483647`);
    }
  }
  return resolved;
}
