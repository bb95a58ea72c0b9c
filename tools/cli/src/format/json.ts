/**
 * One JSON document on one line. Offsets are bigints in the client; they are written as JSON
 * numbers when they are safe integers (every offset a real log reaches) and as decimal strings
 * beyond 2^53, so that `jq` and `JSON.parse` read them without losing digits. Buffers are written
 * as UTF-8 text.
 */
export function toJsonLine(value: unknown): string {
  return `${JSON.stringify(value, jsonReplacer)}\n`;
}

function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  // JSON.stringify has already called Buffer's toJSON by now: look at the original.
  const original = (this as Record<string, unknown>)[key];
  if (Buffer.isBuffer(original)) return original.toString('utf8');
  return value;
}
