import { ConsoleRequestError } from '../console-errors.js';
import type { BrowseQuery } from '../messages/message-browser.js';
import type { BrowseFrom } from '../messages/read-plan.js';

/** Most records one browse returns. */
export const MAX_BROWSE_LIMIT = 500;
export const DEFAULT_BROWSE_LIMIT = 50;
const FROM = new Set<BrowseFrom>(['latest', 'earliest', 'offset', 'timestamp']);

/**
 * The query string of a browse (`?from=offset&offset=10&partition=2&limit=20&filter=abc`), as the
 * API and the topic page both take it. An empty field is the same as none (HTML forms send them).
 * `timestamp` is milliseconds since the epoch or an ISO date.
 */
export function parseBrowseQuery(topic: string, query: Record<string, unknown>): BrowseQuery {
  const field = (name: string): string | undefined => {
    const value = query[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const from = (field('from') ?? 'latest') as BrowseFrom;
  if (!FROM.has(from)) throw bad('from', from, `one of ${[...FROM].join(', ')}`);
  const whole = (name: string, max: number): number | undefined => {
    const value = field(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value) || Number(value) > max)
      throw bad(name, value, `a whole number from 0 to ${max}`);
    return Number(value);
  };
  const partition = whole('partition', 2_147_483_647);
  const limit = whole('limit', MAX_BROWSE_LIMIT) ?? DEFAULT_BROWSE_LIMIT;
  if (limit < 1) throw bad('limit', '0', `a whole number from 1 to ${MAX_BROWSE_LIMIT}`);
  let offset: bigint | undefined;
  let timestamp: number | undefined;
  if (from === 'offset') {
    const value = field('offset');
    if (value === undefined || !/^\d{1,19}$/.test(value)) throw bad('offset', value ?? '', 'a whole number');
    offset = BigInt(value);
  }
  if (from === 'timestamp') {
    const value = field('timestamp') ?? '';
    timestamp = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (!Number.isFinite(timestamp))
      throw bad('timestamp', value, 'milliseconds since the epoch or an ISO date');
  }
  return { topic, partition, from, offset, timestamp, limit, filter: field('filter') };
}

function bad(name: string, value: string, limit: string): ConsoleRequestError {
  return new ConsoleRequestError(400, `${name} = '${value}': must be ${limit}`);
}
