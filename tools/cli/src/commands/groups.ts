import type { Admin, GroupDescription } from '@runnel/client';
import {
  noMorePositionals,
  parseOffset,
  parseShift,
  parseTimestamp,
  parseTopicPartitions,
  requirePositional,
  stringOption,
} from '../args.js';
import { write } from '../cli-io.js';
import type { Command, CommandContext } from '../command.js';
import { toJsonLine } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { UsageError } from '../usage-error.js';
import { describeGroup, formatGroup } from './group-describe.js';
import { planReset, type ResetTarget } from './reset-plan.js';
import { describeTopicPartitions } from './topic-partitions.js';
import { withAdmin } from './with-client.js';

const USAGE = `Usage:
  runnel groups list [--json]
  runnel groups describe <group> [--json]     state, members, and per partition committed offset, log end offset, lag
  runnel groups reset-offsets <group> --topic T[:p,p...] <target> [--dry-run] [--json]
  runnel groups delete <group>

  reset targets (one): --to-earliest | --to-latest | --to-offset N | --shift-by N | --to-datetime <ISO or ms>
  --dry-run                print the new offsets without committing them
  Offsets of a group can only be changed while it has no members (state Empty).
`;

const OPTIONS = {
  topic: { type: 'string' },
  'to-earliest': { type: 'boolean' },
  'to-latest': { type: 'boolean' },
  'to-offset': { type: 'string' },
  'shift-by': { type: 'string' },
  'to-datetime': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export const groupsCommand: Command = {
  name: 'groups',
  summary: 'list, describe, reset offsets of, delete consumer groups (kafka-consumer-groups.sh)',
  usage: USAGE,
  async run(args: readonly string[], context: CommandContext): Promise<number> {
    const { values, positionals, globals } = context.parse(args, OPTIONS);
    const action = requirePositional(positionals, 0, 'action: list, describe, reset-offsets or delete');
    const out = context.io.stdout;
    switch (action) {
      case 'list': {
        noMorePositionals(positionals, 1);
        const groups = await withAdmin(context, globals, listGroups);
        await write(
          out,
          globals.json
            ? toJsonLine({ groups })
            : renderTable(
                ['GROUP', 'STATE', 'MEMBERS', 'PROTOCOL-TYPE'],
                groups.map((g) => [g.groupId, g.state, g.members, g.protocolType]),
              ),
        );
        return 0;
      }
      case 'describe': {
        const groupId = requirePositional(positionals, 1, '<group>');
        noMorePositionals(positionals, 2);
        const group = await withAdmin(context, globals, (admin) => describeGroup(admin, groupId));
        await write(out, globals.json ? toJsonLine(group) : formatGroup(group));
        return 0;
      }
      case 'reset-offsets': {
        const groupId = requirePositional(positionals, 1, '<group>');
        noMorePositionals(positionals, 2);
        const topicArg = stringOption(values, 'topic');
        if (topicArg === undefined) throw new UsageError('reset-offsets needs --topic');
        const { topic, partitions } = parseTopicPartitions('--topic', topicArg);
        const target = resetTarget(values);
        const dryRun = values['dry-run'] === true;
        const rows = await withAdmin(context, globals, async (admin) => {
          await requireNoMembers(admin, groupId);
          const described = (await describeTopicPartitions(admin, topic)).filter(
            (p) => partitions === undefined || partitions.includes(p.partition),
          );
          for (const p of partitions ?? []) {
            if (!described.some((d) => d.partition === p))
              throw new Error(`topic '${topic}' has no partition ${p}`);
          }
          const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
          const byTime =
            target.kind === 'datetime'
              ? await admin.fetchTopicOffsetsByTimestamp(topic, target.timestamp)
              : [];
          const plan = planReset(
            groupId,
            topic,
            described.map((p) => ({
              partition: p.partition,
              earliestOffset: p.earliestOffset,
              latestOffset: p.latestOffset,
              committed: committed.find((c) => c.partition === p.partition)?.offset ?? -1n,
              offsetForTime: byTime.find((t) => t.partition === p.partition)?.offset,
            })),
            target,
          );
          if (!dryRun) {
            await admin.setOffsets({
              groupId,
              topic,
              partitions: plan.map((p) => ({ partition: p.partition, offset: p.newOffset })),
            });
          }
          return plan;
        });
        await write(
          out,
          globals.json
            ? toJsonLine({ groupId, topic, dryRun, partitions: rows })
            : renderTable(
                ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'],
                rows.map((r) => [
                  groupId,
                  topic,
                  r.partition,
                  r.currentOffset < 0n ? null : r.currentOffset,
                  r.newOffset,
                ]),
              ) + (dryRun ? '(dry run: nothing was committed)\n' : ''),
        );
        return 0;
      }
      case 'delete': {
        const groupId = requirePositional(positionals, 1, '<group>');
        noMorePositionals(positionals, 2);
        await withAdmin(context, globals, (admin) => admin.deleteGroups([groupId]));
        await write(out, `Deleted group ${groupId}.\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown action '${action}'`);
    }
  },
};

function resetTarget(values: Record<string, unknown>): ResetTarget {
  const targets: ResetTarget[] = [];
  if (values['to-earliest'] === true) targets.push({ kind: 'earliest' });
  if (values['to-latest'] === true) targets.push({ kind: 'latest' });
  const offset = values['to-offset'];
  if (typeof offset === 'string')
    targets.push({ kind: 'offset', offset: parseOffset('--to-offset', offset) });
  const shift = values['shift-by'];
  if (typeof shift === 'string') targets.push({ kind: 'shift', by: parseShift('--shift-by', shift) });
  const datetime = values['to-datetime'];
  if (typeof datetime === 'string') {
    targets.push({ kind: 'datetime', timestamp: parseTimestamp('--to-datetime', datetime) });
  }
  if (targets.length !== 1) {
    throw new UsageError(
      'reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset, --shift-by, --to-datetime',
    );
  }
  return targets[0]!;
}

/** Refuses, naming the group, its state and members, while anyone is in it (the commit would fight theirs). */
async function requireNoMembers(admin: Admin, groupId: string): Promise<void> {
  const group: GroupDescription | undefined = (await admin.describeGroups([groupId])).groups[0];
  if (group !== undefined && group.members.length > 0) {
    throw new Error(
      `group '${groupId}' is ${group.state} with ${group.members.length} member(s) (${group.members.map((m) => m.clientId).join(', ')}); stop them before resetting its offsets`,
    );
  }
}

async function listGroups(
  admin: Admin,
): Promise<{ groupId: string; state: string; members: number; protocolType: string }[]> {
  const { groups } = await admin.listGroups();
  if (groups.length === 0) return [];
  const described = await admin.describeGroups(groups.map((g) => g.groupId));
  return groups
    .map((g) => {
      const d = described.groups.find((x) => x.groupId === g.groupId);
      return {
        groupId: g.groupId,
        state: d?.state ?? 'Unknown',
        members: d?.members.length ?? 0,
        protocolType: g.protocolType,
      };
    })
    .sort((a, b) => a.groupId.localeCompare(b.groupId));
}
