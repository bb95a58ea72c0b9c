import { UsageError } from '../usage-error.js';

/** A consumed record as the formatter sees it. */
export interface FormattableMessage {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly { key: string; value: Buffer | null }[];
}

/**
 * kcat's `-f` tokens, plus `%v` for the value:
 *
 * | token | meaning |
 * |---|---|
 * | `%t` | topic |
 * | `%p` | partition |
 * | `%o` | offset |
 * | `%T` | timestamp, ms since the epoch |
 * | `%k` | key (empty for none) |
 * | `%v`, `%s` | value (empty for a tombstone) |
 * | `%K`, `%S` | key, value size in bytes (-1 for null) |
 * | `%h` | headers as `k=v,k=v` |
 * | `%%`, `\n`, `\t`, `\\` | a literal `%`, newline, tab, backslash |
 */
const TOKENS: Readonly<Record<string, (m: FormattableMessage) => string>> = {
  t: (m) => m.topic,
  p: (m) => String(m.partition),
  o: (m) => m.offset.toString(),
  T: (m) => String(m.timestamp),
  k: (m) => m.key?.toString('utf8') ?? '',
  v: (m) => m.value?.toString('utf8') ?? '',
  s: (m) => m.value?.toString('utf8') ?? '',
  K: (m) => String(m.key?.length ?? -1),
  S: (m) => String(m.value?.length ?? -1),
  h: (m) => m.headers.map((h) => `${h.key}=${h.value?.toString('utf8') ?? ''}`).join(','),
  '%': () => '%',
};
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', '\\': '\\' };

type Part = string | ((m: FormattableMessage) => string);

/** A format compiled once: the function renders one message. Unknown tokens are a UsageError. */
export function compileFormat(format: string): (message: FormattableMessage) => string {
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    const next = format[i + 1];
    if (c === '%' || c === '\\') {
      const table = c === '%' ? TOKENS : ESCAPES;
      const entry = next === undefined ? undefined : table[next];
      if (entry === undefined) {
        throw new UsageError(`--format '${format}': '${c}${next ?? ''}' at ${i} is not a known token`);
      }
      i++;
      if (typeof entry === 'string') {
        literal += entry;
      } else {
        if (literal !== '') parts.push(literal);
        literal = '';
        parts.push(entry);
      }
    } else {
      literal += c;
    }
  }
  if (literal !== '') parts.push(literal);
  return (message) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : part(message);
    return out;
  };
}

/** What `--json` prints per record, as kcat's `-J`: key and value as UTF-8 text, null kept. */
export function messageJson(m: FormattableMessage): Record<string, unknown> {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: m.timestamp,
    key: m.key?.toString('utf8') ?? null,
    value: m.value?.toString('utf8') ?? null,
    headers: m.headers.map((h) => ({ key: h.key, value: h.value?.toString('utf8') ?? null })),
  };
}
