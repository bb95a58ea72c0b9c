import type { Admin, Consumer, ConsumerMessage, Runnel } from '@runnel/client';
import {
  noMorePositionals,
  parseInteger,
  parseOffset,
  parseTimestamp,
  requirePositional,
  stringOption,
} from '../args.js';
import { write } from '../cli-io.js';
import type { Command, CommandContext } from '../command.js';
import { toJsonLine } from '../format/json.js';
import { compileFormat, type FormattableMessage, messageJson } from '../format/message-format.js';
import { UsageError } from '../usage-error.js';
import { planStarts, type StartChoice } from './consume-plan.js';
import { describeTopicPartitions } from './topic-partitions.js';

const USAGE = `Usage:
  runnel consume <topic> [options]     print records, then exit at the end of the log (or keep going with --follow)

  --from-beginning         start at the earliest offset (in a group: where nothing is committed)
  --offset N               start at offset N (every partition, or the one given by --partition)
  --from-time <ts>         start at the first record at or after <ts>: ms since the epoch, or ISO 8601
                           (default start: the latest offset, as kafka-console-consumer.sh)
  --partition N            read only this partition
  --group G                read as member G of a consumer group: its committed offsets, its assignment, commits
  --max-messages N         stop after N records
  --follow                 wait for new records instead of exiting at the end of each partition
  --format <fmt>           kcat's -f tokens: %t topic %p partition %o offset %T timestamp %k key %v value
                           %h headers %K %S key/value size, \\n \\t (default '%v\\n')
  --json                   one JSON object per record: topic, partition, offset, timestamp, key, value, headers
`;

const OPTIONS = {
  'from-beginning': { type: 'boolean' },
  offset: { type: 'string' },
  'from-time': { type: 'string' },
  partition: { type: 'string' },
  group: { type: 'string' },
  'max-messages': { type: 'string' },
  follow: { type: 'boolean' },
  format: { type: 'string' },
} as const;

export const consumeCommand: Command = {
  name: 'consume',
  summary: 'print the records of a topic (kafka-console-consumer.sh, kcat -C)',
  usage: USAGE,
  async run(args: readonly string[], context: CommandContext): Promise<number> {
    const { values, positionals, globals } = context.parse(args, OPTIONS);
    const topic = requirePositional(positionals, 0, '<topic>');
    noMorePositionals(positionals, 1);
    const starts: StartChoice[] = [];
    if (values['from-beginning'] === true) starts.push({ kind: 'earliest' });
    const offsetArg = stringOption(values, 'offset');
    if (offsetArg !== undefined) starts.push({ kind: 'offset', offset: parseOffset('--offset', offsetArg) });
    const timeArg = stringOption(values, 'from-time');
    if (timeArg !== undefined)
      starts.push({ kind: 'time', timestamp: parseTimestamp('--from-time', timeArg) });
    if (starts.length > 1)
      throw new UsageError('give at most one of --from-beginning, --offset, --from-time');
    const start = starts[0] ?? { kind: 'latest' };
    const partitionArg = stringOption(values, 'partition');
    const only =
      partitionArg === undefined ? undefined : parseInteger('--partition', partitionArg, 0, 2147483647);
    const groupId = stringOption(values, 'group');
    if (groupId !== undefined && (only !== undefined || start.kind === 'offset' || start.kind === 'time')) {
      throw new UsageError(
        '--group reads from committed offsets: it takes --from-beginning, not --partition, --offset or --from-time (see `runnel groups reset-offsets`)',
      );
    }
    const maxArg = stringOption(values, 'max-messages');
    const maxMessages =
      maxArg === undefined ? Number.POSITIVE_INFINITY : parseInteger('--max-messages', maxArg, 1);
    const follow = values.follow === true;
    const render = globals.json
      ? (m: FormattableMessage) => toJsonLine(messageJson(m))
      : compileFormat(stringOption(values, 'format') ?? '%v\\n');

    const runnel = context.runnel(globals);
    const admin = runnel.admin();
    await admin.connect();
    try {
      const described = await describeTopicPartitions(admin, topic);
      if (only !== undefined && !described.some((p) => p.partition === only)) {
        throw new Error(`topic '${topic}' has no partition ${only} (it has ${described.length})`);
      }
      const partitions = described.filter((p) => only === undefined || p.partition === only);
      // Without --follow the command ends at each partition's latest offset as it was at the start.
      const ends = new Map(partitions.map((p) => [p.partition, follow ? null : p.latestOffset]));
      const reading = new Reading(topic, ends, maxMessages, render, context);
      const consumer =
        groupId === undefined
          ? await assignConsumer(admin, runnel, topic, partitions, start, reading)
          : await groupConsumer(admin, runnel, topic, groupId, start.kind === 'earliest', reading);
      if (consumer === undefined) return 0;
      try {
        await reading.finished(context.io.interrupted);
      } finally {
        await consumer.disconnect();
      }
      return 0;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },
};

/** Without a group: the partitions assigned directly at the chosen start offsets. */
async function assignConsumer(
  admin: Admin,
  runnel: Runnel,
  topic: string,
  partitions: Awaited<ReturnType<typeof describeTopicPartitions>>,
  start: StartChoice,
  reading: Reading,
): Promise<Consumer | undefined> {
  const byTime =
    start.kind === 'time' ? await admin.fetchTopicOffsetsByTimestamp(topic, start.timestamp) : [];
  const plan = planStarts(topic, partitions, start, byTime);
  for (const { partition, offset } of plan) reading.started(partition, offset);
  reading.assigned(plan.map((p) => p.partition));
  if (reading.allDone()) return undefined;
  const consumer = runnel.consumer({ autoOffsetReset: 'earliest' });
  return startOrDisconnect(consumer, async () => {
    await consumer.connect();
    consumer.assign(plan.filter((p) => !reading.isDone(p.partition)).map((p) => ({ topic, ...p })));
    await reading.run(consumer);
  });
}

/** As member `groupId`: committed offsets decide where each assigned partition starts. */
async function groupConsumer(
  admin: Admin,
  runnel: Runnel,
  topic: string,
  groupId: string,
  fromBeginning: boolean,
  reading: Reading,
): Promise<Consumer> {
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  const offsets = await admin.fetchTopicOffsets(topic);
  for (const { partition, low, high } of offsets) {
    const mine = committed[0]?.partitions.find((p) => p.partition === partition);
    const from = mine !== undefined && mine.offset >= 0n ? mine.offset : fromBeginning ? low : high;
    reading.started(partition, from);
  }
  const consumer = runnel.consumer({ groupId, autoOffsetReset: fromBeginning ? 'earliest' : 'latest' });
  return startOrDisconnect(consumer, async () => {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning });
    await reading.run(consumer);
  });
}

/** Runs `start`; if it fails, the consumer is disconnected before the error goes on. */
async function startOrDisconnect(consumer: Consumer, start: () => Promise<void>): Promise<Consumer> {
  try {
    await start();
    return consumer;
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw err;
  }
}

/**
 * The state of one consume: how many records were printed, which partitions reached their end,
 * and the promise that settles when the command should stop (enough records, every partition at
 * its end, or the consumer crashed).
 */
class Reading {
  private printed = 0;
  private readonly positions = new Map<number, bigint>();
  private settle!: { resolve: () => void; reject: (err: unknown) => void };
  private readonly done = new Promise<void>((resolve, reject) => {
    this.settle = { resolve, reject };
  });
  /** The partitions this consumer reads; undefined until a group member's first assignment. */
  private reading: number[] | undefined;

  constructor(
    private readonly topic: string,
    /** The offset to stop at, per partition; null with --follow. */
    private readonly ends: ReadonlyMap<number, bigint | null>,
    private readonly maxMessages: number,
    private readonly render: (m: FormattableMessage) => string,
    private readonly context: CommandContext,
  ) {}

  started(partition: number, offset: bigint): void {
    this.positions.set(partition, offset);
  }

  isDone(partition: number): boolean {
    const end = this.ends.get(partition);
    if (end === null || end === undefined) return false;
    return (this.positions.get(partition) ?? 0n) >= end;
  }

  /**
   * Every partition this consumer reads is at its end. In assign mode those are the partitions
   * given; a group member's are those of its latest assignment, unknown (so not done) until the
   * first rebalance has completed.
   */
  allDone(): boolean {
    return this.reading?.every((p) => this.isDone(p)) === true;
  }

  /** Assign mode: the consumer reads these partitions. */
  assigned(partitions: readonly number[]): void {
    this.reading = [...partitions];
  }

  async run(consumer: Consumer): Promise<void> {
    consumer.on('crash', ({ error }) => this.settle.reject(error));
    consumer.on('group', (event) => {
      if (event.type === 'group-join') {
        this.reading = event.assigned.filter((tp) => tp.topic === this.topic).map((tp) => tp.partition);
        this.check();
      } else if (event.type === 'member-failed') {
        this.settle.reject(event.error);
      }
    });
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        let text = '';
        for (const message of batch.messages) {
          if (this.printed >= this.maxMessages || this.isPastEnd(batch.partition, message.offset)) break;
          text += this.render(toFormattable(this.topic, batch.partition, message));
          this.printed++;
          this.positions.set(batch.partition, message.offset + 1n);
          resolveOffset(message.offset);
        }
        if (text !== '') await write(this.context.io.stdout, text);
        this.check();
      },
    });
    this.check();
  }

  finished(interrupted: Promise<void>): Promise<void> {
    void interrupted.then(() => this.settle.resolve());
    return this.done;
  }

  private isPastEnd(partition: number, offset: bigint): boolean {
    const end = this.ends.get(partition);
    return end !== null && end !== undefined && offset >= end;
  }

  private check(): void {
    if (this.printed >= this.maxMessages || this.allDone()) this.settle.resolve();
  }
}

function toFormattable(topic: string, partition: number, m: ConsumerMessage): FormattableMessage {
  const headers: { key: string; value: Buffer | null }[] = [];
  for (const [key, value] of Object.entries(m.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) headers.push({ key, value: v });
  }
  return { topic, partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers };
}
