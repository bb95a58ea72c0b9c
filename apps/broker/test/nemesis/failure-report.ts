import type { Property, Violation } from './checker.js';
import type { History, SendEvent } from './history.js';

/** Violations shown per property: the first ones say what broke, the count says how often. */
const SHOWN_PER_PROPERTY = 5;
/** Nemesis events this long before a send started or after it ended are shown beside it. */
const NEMESIS_WINDOW_MS = 5000;

/**
 * The text a failed run prints: per property the number of violations and the first few, each
 * with the sends of its values (outcome, partition, offset, times) and the nemesis events around
 * them, then the seed and the command that replays the schedule.
 */
export function failureReport(history: History, violations: readonly Violation[], replay: string): string {
  const sendsByValue = new Map(history.sends.map((s) => [s.value, s]));
  const byProperty = new Map<Property, Violation[]>();
  for (const v of violations) byProperty.set(v.property, [...(byProperty.get(v.property) ?? []), v]);
  const lines = [
    `nemesis seed ${history.seed}: ${violations.length} violation(s) of ${[...byProperty.keys()].join(', ')}`,
    summary(history),
  ];
  for (const [property, found] of byProperty) {
    lines.push('', `${property}: ${found.length}`);
    for (const v of found.slice(0, SHOWN_PER_PROPERTY)) {
      lines.push(`  - ${v.message}`);
      const sends = v.values.flatMap((value) => sendsByValue.get(value) ?? []);
      for (const s of sends) lines.push(`      send ${describeSend(s)}`);
      for (const e of nemesisAround(history, sends)) lines.push(`      nemesis ${e.atMs} ms: ${e.action}`);
    }
    if (found.length > SHOWN_PER_PROPERTY) lines.push(`  ... and ${found.length - SHOWN_PER_PROPERTY} more`);
  }
  lines.push('', `replay the schedule: ${replay}`);
  return lines.join('\n');
}

/** One line of counts: sends by outcome, reads, commits, nemesis events. */
export function summary(history: History): string {
  const count = (outcome: SendEvent['outcome']) => history.sends.filter((s) => s.outcome === outcome).length;
  return `${history.sends.length} sends (${count('ok')} ok, ${count('failed')} failed, ${count('unknown')} unknown), ${history.reads.length} reads, ${history.commits.length} commits, ${history.nemesis.length} nemesis events`;
}

function describeSend(s: SendEvent): string {
  const at = s.offset === undefined ? '' : ` offset ${s.offset}`;
  const error = s.error === undefined ? '' : ` (${s.error})`;
  return `${s.value} p${s.partition}: ${s.outcome}${at}${error}, ${s.startMs}-${s.endMs} ms`;
}

function nemesisAround(history: History, sends: readonly SendEvent[]) {
  if (sends.length === 0) return [];
  const from = Math.min(...sends.map((s) => s.startMs)) - NEMESIS_WINDOW_MS;
  const to = Math.max(...sends.map((s) => s.endMs)) + NEMESIS_WINDOW_MS;
  return history.nemesis.filter((e) => e.atMs >= from && e.atMs <= to);
}
