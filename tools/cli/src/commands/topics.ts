import { type Admin, ConfigResourceType, ConfigSource } from '@runnel/client';
import {
  noMorePositionals,
  parseInteger,
  parseKeyValue,
  requirePositional,
  stringOption,
  stringsOption,
} from '../args.js';
import { write } from '../cli-io.js';
import type { Command, CommandContext } from '../command.js';
import { toJsonLine } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { UsageError } from '../usage-error.js';
import { withAdmin } from './with-client.js';

const USAGE = `Usage:
  runnel topics list [--json]
  runnel topics describe <topic> [--json]     per partition: leader, replicas, isr, earliest and latest offset
  runnel topics create <topic> [--partitions N] [--replication-factor N] [--config k=v ...]
  runnel topics delete <topic>
  runnel topics alter-config <topic> [--config k=v ...] [--delete-config k ...]

  --partitions N           partitions of a new topic (default: the broker's num.partitions)
  --replication-factor N   replicas of each partition (default: the broker's default.replication.factor)
  --config k=v             a topic config (cleanup.policy, retention.ms, ...); may repeat
  --delete-config k        alter-config: drop the topic's own value of k, so the broker default applies; may repeat
`;

const OPTIONS = {
  partitions: { type: 'string' },
  'replication-factor': { type: 'string' },
  config: { type: 'string', multiple: true },
  'delete-config': { type: 'string', multiple: true },
} as const;

export const topicsCommand: Command = {
  name: 'topics',
  summary: 'list, describe, create, delete topics, alter their configs (kafka-topics.sh, kafka-configs.sh)',
  usage: USAGE,
  async run(args: readonly string[], context: CommandContext): Promise<number> {
    const { values, positionals, globals } = context.parse(args, OPTIONS);
    const action = requirePositional(
      positionals,
      0,
      'action: list, describe, create, delete or alter-config',
    );
    const out = context.io.stdout;
    switch (action) {
      case 'list': {
        noMorePositionals(positionals, 1);
        const topics = (await withAdmin(context, globals, (admin) => admin.listTopics())).sort();
        await write(out, globals.json ? toJsonLine({ topics }) : topics.map((t) => `${t}\n`).join(''));
        return 0;
      }
      case 'describe': {
        const topic = requirePositional(positionals, 1, '<topic>');
        noMorePositionals(positionals, 2);
        const described = await withAdmin(context, globals, (admin) => describeTopic(admin, topic));
        await write(out, globals.json ? toJsonLine(described) : formatTopic(described));
        return 0;
      }
      case 'create': {
        const topic = requirePositional(positionals, 1, '<topic>');
        noMorePositionals(positionals, 2);
        const partitions = stringOption(values, 'partitions');
        const replication = stringOption(values, 'replication-factor');
        const configEntries = stringsOption(values, 'config').map((entry) => {
          const [name, value] = parseKeyValue('--config', entry);
          return { name, value };
        });
        const created = await withAdmin(context, globals, (admin) =>
          admin.createTopics({
            topics: [
              {
                topic,
                numPartitions:
                  partitions === undefined ? -1 : parseInteger('--partitions', partitions, 1, 2147483647),
                replicationFactor:
                  replication === undefined
                    ? -1
                    : parseInteger('--replication-factor', replication, 1, 32767),
                configEntries,
              },
            ],
          }),
        );
        if (!created) throw new Error(`topic '${topic}' already exists`);
        await write(out, `Created topic ${topic}.\n`);
        return 0;
      }
      case 'delete': {
        const topic = requirePositional(positionals, 1, '<topic>');
        noMorePositionals(positionals, 2);
        await withAdmin(context, globals, (admin) => admin.deleteTopics({ topics: [topic] }));
        await write(out, `Deleted topic ${topic}.\n`);
        return 0;
      }
      case 'alter-config': {
        // IncrementalAlterConfigs: only the configs named change, as with kafka-configs.sh --alter.
        const topic = requirePositional(positionals, 1, '<topic>');
        noMorePositionals(positionals, 2);
        const configs = [
          ...stringsOption(values, 'config').map((entry) => {
            const [name, value] = parseKeyValue('--config', entry);
            return { name, value, operation: 'set' as const };
          }),
          ...stringsOption(values, 'delete-config').map((name) => ({ name, operation: 'delete' as const })),
        ];
        if (configs.length === 0)
          throw new UsageError('alter-config needs --config k=v or --delete-config k');
        await withAdmin(context, globals, (admin) =>
          admin.incrementalAlterConfigs({ resources: [{ type: 'topic', name: topic, configs }] }),
        );
        await write(out, `Completed updating config for topic ${topic}.\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown action '${action}'`);
    }
  },
};

export interface DescribedTopic {
  topic: string;
  isInternal: boolean;
  partitions: {
    partition: number;
    leader: number;
    replicas: readonly number[];
    isr: readonly number[];
    earliestOffset: bigint;
    latestOffset: bigint;
  }[];
  /** Configs set on the topic itself (not broker defaults), as kafka-topics.sh --describe shows them. */
  configs: Record<string, string | null>;
}

async function describeTopic(admin: Admin, topic: string): Promise<DescribedTopic> {
  const { topics } = await admin.describeTopics({ topics: [topic] });
  const found = topics[0]!;
  const { resources } = await admin.describeConfigs({
    resources: [{ type: ConfigResourceType.TOPIC, name: topic }],
  });
  const configs: Record<string, string | null> = {};
  for (const entry of resources[0]?.configEntries ?? []) {
    if (entry.configSource === ConfigSource.TOPIC_CONFIG) configs[entry.configName] = entry.configValue;
  }
  return {
    topic: found.name,
    isInternal: found.isInternal,
    partitions: found.partitions
      .map(({ partition, leader, replicas, isr, earliestOffset, latestOffset }) => ({
        partition,
        leader,
        replicas,
        isr,
        earliestOffset,
        latestOffset,
      }))
      .sort((a, b) => a.partition - b.partition),
    configs,
  };
}

/** kafka-topics.sh's summary line, then one row per partition. */
export function formatTopic(t: DescribedTopic): string {
  const configs = Object.entries(t.configs)
    .map(([k, v]) => `${k}=${v ?? ''}`)
    .join(',');
  const summary = `Topic: ${t.topic}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${t.partitions[0]?.replicas.length ?? 0}\tConfigs: ${configs}\n`;
  const rows = t.partitions.map((p) => [
    p.partition,
    p.leader < 0 ? 'none' : p.leader,
    p.replicas.join(','),
    p.isr.join(','),
    p.earliestOffset,
    p.latestOffset,
  ]);
  return (
    summary +
    renderTable(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'EARLIEST-OFFSET', 'LATEST-OFFSET'], rows)
  );
}
