import type { Admin } from '@runnel/client';
import { renderTable } from '../format/table.js';

export interface DescribedGroup {
  groupId: string;
  state: string;
  protocol: string;
  members: {
    memberId: string;
    clientId: string;
    host: string;
    assignment: { topic: string; partitions: number[] }[];
  }[];
  /** Per partition the group committed to: committed offset (null: none), log end offset, lag, owner. */
  offsets: {
    topic: string;
    partition: number;
    committedOffset: bigint | null;
    /** null when the topic's end is unknown (it was deleted since the group committed). */
    logEndOffset: bigint | null;
    /** logEndOffset - committedOffset; null when nothing is committed or the end is unknown. */
    lag: bigint | null;
    memberId: string | null;
  }[];
}

/**
 * The group as kafka-consumer-groups.sh --describe shows it. Lag is the log end offset (the high
 * watermark) minus the committed offset, as Kafka's tools compute it; partitions assigned to a
 * member but never committed are listed with no offset and no lag.
 */
export async function describeGroup(admin: Admin, groupId: string): Promise<DescribedGroup> {
  const group = (await admin.describeGroups([groupId])).groups[0]!;
  if (group.state === 'Dead') throw new Error(`group '${groupId}' does not exist`);
  const members = group.members.map((m) => ({
    memberId: m.memberId,
    clientId: m.clientId,
    host: m.clientHost,
    assignment: m.assignment ?? [],
  }));
  const ownerOf = (topic: string, partition: number): string | null =>
    members.find((m) => m.assignment.some((a) => a.topic === topic && a.partitions.includes(partition)))
      ?.memberId ?? null;
  const committed = await admin.fetchOffsets({ groupId });
  const offsets: DescribedGroup['offsets'] = [];
  for (const { topic, partitions } of committed) {
    for (const p of partitions) {
      const has = p.offset >= 0n;
      offsets.push({
        topic,
        partition: p.partition,
        committedOffset: has ? p.offset : null,
        logEndOffset: p.logEndOffset >= 0n ? p.logEndOffset : null,
        lag: has ? p.lag : null,
        memberId: ownerOf(topic, p.partition),
      });
    }
  }
  const listed = new Set(offsets.map((o) => `${o.topic}\0${o.partition}`));
  const missing = members.flatMap((m) =>
    m.assignment.flatMap((a) =>
      a.partitions.filter((p) => !listed.has(`${a.topic}\0${p}`)).map((p) => ({ topic: a.topic, p })),
    ),
  );
  if (missing.length > 0) {
    const ends = new Map<string, Map<number, bigint>>();
    for (const topic of new Set(missing.map((m) => m.topic))) {
      ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.high])));
    }
    for (const { topic, p } of missing) {
      offsets.push({
        topic,
        partition: p,
        committedOffset: null,
        logEndOffset: ends.get(topic)?.get(p) ?? null,
        lag: null,
        memberId: ownerOf(topic, p),
      });
    }
  }
  offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { groupId, state: group.state, protocol: group.protocol, members, offsets };
}

/** A summary line, the offsets table of kafka-consumer-groups.sh --describe, and the members. */
export function formatGroup(g: DescribedGroup): string {
  const clientOf = new Map(g.members.map((m) => [m.memberId, m]));
  const summary = `Group ${g.groupId}: state ${g.state}, ${g.members.length} member(s)${g.protocol === '' ? '' : `, assignor ${g.protocol}`}\n\n`;
  const offsets = renderTable(
    ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
    g.offsets.map((o) => {
      const member = o.memberId === null ? undefined : clientOf.get(o.memberId);
      return [
        o.topic,
        o.partition,
        o.committedOffset,
        o.logEndOffset,
        o.lag,
        o.memberId,
        member?.host ?? null,
        member?.clientId ?? null,
      ];
    }),
  );
  if (g.members.length === 0) return summary + offsets;
  const members = renderTable(
    ['CONSUMER-ID', 'HOST', 'CLIENT-ID', 'ASSIGNMENT'],
    g.members.map((m) => [
      m.memberId,
      m.host,
      m.clientId,
      m.assignment.map((a) => `${a.topic}(${a.partitions.join(',')})`).join(' ') || null,
    ]),
  );
  return `${summary}${offsets}\n${members}`;
}
