import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Message } from '@runnel/client';
import {
  noMorePositionals,
  parseAcks,
  parseCompression,
  parseInteger,
  parseKeyValue,
  requirePositional,
  stringOption,
  stringsOption,
} from '../args.js';
import { write } from '../cli-io.js';
import type { Command, CommandContext } from '../command.js';
import { toJsonLine } from '../format/json.js';
import { UsageError } from '../usage-error.js';
import { requireTopicPartitions } from './topic-partitions.js';

const USAGE = `Usage:
  runnel produce <topic> [options]     one record per line of stdin (or --file), then how many were written

  --file <path>            read lines from this file instead of stdin
  --key-separator <sep>    each line is key<sep>value, split at the first <sep> (e.g. ':'); lines without it have no key
  --header k=v             a header on every record; may repeat
  --partition N            write every record to this partition (default: by key, murmur2; unkeyed: sticky)
  --acks 0|1|-1|all        acks (default -1: every in-sync replica)
  --compression <codec>    none, gzip, snappy, lz4, zstd (default none)
`;

const OPTIONS = {
  file: { type: 'string' },
  'key-separator': { type: 'string' },
  header: { type: 'string', multiple: true },
  partition: { type: 'string' },
  acks: { type: 'string' },
  compression: { type: 'string' },
} as const;

/** Records handed to one send() call; the producer batches across calls, this only bounds the promises. */
const LINES_PER_SEND = 500;
/** send() calls awaiting their answers at once; beyond this, reading waits (and so does the pipe). */
const SENDS_IN_FLIGHT = 32;

/** A line as a record: key and value split at the first separator, when there is one. */
export function lineToMessage(
  line: string,
  keySeparator: string | undefined,
): { key: string | null; value: string } {
  if (keySeparator === undefined) return { key: null, value: line };
  const at = line.indexOf(keySeparator);
  if (at < 0) return { key: null, value: line };
  return { key: line.slice(0, at), value: line.slice(at + keySeparator.length) };
}

export const produceCommand: Command = {
  name: 'produce',
  summary: 'write lines of stdin or a file as records (kafka-console-producer.sh, kcat -P)',
  usage: USAGE,
  async run(args: readonly string[], context: CommandContext): Promise<number> {
    const { values, positionals, globals } = context.parse(args, OPTIONS);
    const topic = requirePositional(positionals, 0, '<topic>');
    noMorePositionals(positionals, 1);
    const keySeparator = stringOption(values, 'key-separator');
    if (keySeparator === '') throw new UsageError('--key-separator must not be empty');
    // A key given more than once is sent once per value, in order.
    const headers: Record<string, string[]> = {};
    for (const entry of stringsOption(values, 'header')) {
      const [k, v] = parseKeyValue('--header', entry);
      headers[k] = [...(headers[k] ?? []), v];
    }
    const partitionArg = stringOption(values, 'partition');
    const partition =
      partitionArg === undefined ? undefined : parseInteger('--partition', partitionArg, 0, 2147483647);
    const acksArg = stringOption(values, 'acks');
    const compressionArg = stringOption(values, 'compression');
    const file = stringOption(values, 'file');
    // Opened before anything else, so a missing file fails at once with its name.
    const input: Readable =
      file === undefined ? context.io.stdin : (await open(file, 'r')).createReadStream();

    const runnel = context.runnel(globals);
    const admin = runnel.admin();
    await admin.connect();
    const producer = runnel.producer({
      ...(acksArg === undefined ? {} : { acks: parseAcks(acksArg) }),
      ...(compressionArg === undefined ? {} : { compression: parseCompression(compressionArg) }),
    });
    try {
      const partitions = await requireTopicPartitions(admin, topic);
      if (partition !== undefined && !partitions.includes(partition)) {
        throw new Error(`topic '${topic}' has no partition ${partition} (it has ${partitions.length})`);
      }
      await producer.connect();
      const written = await sendLines(input, context.io.interrupted, (lines) =>
        producer.send({
          topic,
          messages: lines.map((line): Message => {
            const { key, value } = lineToMessage(line, keySeparator);
            return { key, value, headers, ...(partition === undefined ? {} : { partition }) };
          }),
        }),
      );
      await producer.flush();
      const counts: Record<number, number> = {};
      for (const p of written) counts[p] = (counts[p] ?? 0) + 1;
      await write(
        context.io.stdout,
        globals.json
          ? toJsonLine({ topic, records: written.length, partitions: counts })
          : `Wrote ${written.length} record${written.length === 1 ? '' : 's'} to ${topic}.\n`,
      );
      return 0;
    } finally {
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  },
};

type Sent = { partition: number }[];

/**
 * Reads lines and hands them to `send` in groups: the lines that arrived together (up to
 * LINES_PER_SEND) go in one call at the next turn of the event loop, so a pipe's chunk makes one
 * call and a line typed at a terminal is sent at once, as kafka-console-producer.sh does. Reading
 * pauses while SENDS_IN_FLIGHT calls are unanswered. Resolves at the end of input (or when
 * interrupted) with the partition of every record written, in order; the first failed send
 * rejects, after every call has settled, so no answer is left unobserved.
 */
function sendLines(
  input: Readable,
  interrupted: Promise<void>,
  send: (lines: string[]) => Promise<Sent>,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    const calls: Promise<Sent>[] = [];
    let group: string[] = [];
    let scheduled = false;
    let inFlight = 0;
    let paused = false;
    const flush = (): void => {
      scheduled = false;
      if (group.length === 0) return;
      const sent = send(group);
      group = [];
      calls.push(sent);
      inFlight++;
      if (inFlight >= SENDS_IN_FLIGHT && !paused) {
        paused = true;
        lines.pause();
      }
      const settled = (): void => {
        inFlight--;
        if (paused && inFlight < SENDS_IN_FLIGHT / 2) {
          paused = false;
          lines.resume();
        }
      };
      sent.then(settled, settled);
    };
    lines.on('line', (line) => {
      group.push(line);
      if (group.length >= LINES_PER_SEND) {
        flush();
      } else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
    lines.on('close', () => {
      flush();
      Promise.allSettled(calls).then((results) => {
        const failed = results.find((r) => r.status === 'rejected');
        if (failed !== undefined) reject((failed as PromiseRejectedResult).reason);
        else
          resolve(results.flatMap((r) => (r as PromiseFulfilledResult<Sent>).value.map((m) => m.partition)));
      }, reject);
    });
    input.on('error', reject);
    void interrupted.then(() => lines.close());
  });
}
