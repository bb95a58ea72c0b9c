import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { noMorePositionals, requirePositional } from '../args.js';
import { write } from '../cli-io.js';
import type { Command, CommandContext } from '../command.js';
import { dumpOffsetIndex, dumpTimeIndex } from '../dump-log/index-dump.js';
import { type DumpedBatch, dumpLogSegment, formatBatch, formatRecord } from '../dump-log/log-segment-dump.js';
import { toJsonLine } from '../format/json.js';
import { UsageError } from '../usage-error.js';

const USAGE = `Usage:
  runnel dump-log <file> [--records] [--json]     decode a segment's .log, .index or .timeindex (kafka-dump-log.sh)

  .log         every batch header, its CRC checked; with --records every record (key and payload as text)
  .index       offset -> position entries, checked against the .log beside it
  .timeindex   timestamp -> offset entries, checked against the .log beside it
  The file is only read, up to its size when opened, so a live segment is safe to dump; a partial batch
  at its end while the file grows is an append in progress, and is left out rather than reported.
  Exits 1 after the dump if a CRC does not match, the file ends in a partial batch or entry, or an index
  entry disagrees with the log.
`;

const OPTIONS = { records: { type: 'boolean' } } as const;

/** Segment files are named by their base offset in 20 digits: `00000000000000000042.log`. */
const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/;

export const dumpLogCommand: Command = {
  name: 'dump-log',
  summary: 'decode and verify a segment file: .log, .index, .timeindex (kafka-dump-log.sh)',
  usage: USAGE,
  async run(args: readonly string[], context: CommandContext): Promise<number> {
    const { values, positionals, globals } = context.parse(args, OPTIONS);
    const file = requirePositional(positionals, 0, '<file>');
    noMorePositionals(positionals, 1);
    const match = SEGMENT_FILE.exec(basename(file));
    if (match === null) {
      throw new UsageError(
        `'${basename(file)}' is not a segment file name (20 digits of base offset, then .log, .index or .timeindex)`,
      );
    }
    const baseOffset = BigInt(match[1]!);
    const kind = match[2]!;
    const out = context.io.stdout;
    const bytes = await readSnapshot(file);
    const problems: string[] = [];
    if (kind === 'log') {
      const dump = await dumpLogSegment(bytes, { records: values.records === true });
      const bad = dump.batches.filter((b) => !b.isValid);
      for (const b of bad)
        problems.push(
          `batch at position ${b.position} (offsets ${b.baseOffset}-${b.lastOffset}): CRC ${b.crc} does not match its bytes`,
        );
      // A partial batch at the end of a file that has grown since it was read is an append in
      // progress on a live segment, not damage: the broker writes each batch whole, after it.
      const appending = dump.invalidTail !== null && (await stat(file)).size > bytes.length;
      if (dump.invalidTail !== null && !appending) problems.push(dump.invalidTail);
      if (globals.json) {
        await write(out, toJsonLine({ file, baseOffset, ...dump, appending, problems }));
      } else {
        await write(out, `Dumping ${file}\nLog starting offset: ${baseOffset}\n`);
        for (const batch of dump.batches) await write(out, formatBatchWithRecords(batch));
        if (appending)
          await write(
            out,
            `(a batch was being appended at position ${dump.validBytes}: the dump ends before it)\n`,
          );
        for (const p of problems) await write(out, `${p}\n`);
      }
    } else {
      const logFile = file.replace(/\.(index|timeindex)$/, '.log');
      const batches = existsSync(logFile)
        ? (await dumpLogSegment(await readSnapshot(logFile), { records: false })).batches
        : undefined;
      const dump =
        kind === 'index'
          ? dumpOffsetIndex(bytes, baseOffset, batches)
          : dumpTimeIndex(bytes, baseOffset, batches);
      problems.push(...dump.problems);
      if (globals.json) {
        await write(
          out,
          toJsonLine({ file, baseOffset, verifiedAgainst: batches === undefined ? null : logFile, ...dump }),
        );
      } else {
        await write(out, `Dumping ${file}\n`);
        const lines = dump.entries.map((e) =>
          'position' in e
            ? `offset: ${e.offset} position: ${e.position}\n`
            : `timestamp: ${e.timestamp} offset: ${e.offset}\n`,
        );
        await write(out, lines.join(''));
        if (batches === undefined) await write(out, `(not verified: ${logFile} is missing)\n`);
        for (const p of problems) await write(out, `${p}\n`);
      }
    }
    if (problems.length > 0) {
      throw new Error(`${file}: ${problems.length} problem(s), the first: ${problems[0]}`);
    }
    return 0;
  },
};

function formatBatchWithRecords(batch: DumpedBatch): string {
  return formatBatch(batch) + (batch.records ?? []).map((r) => formatRecord(r, batch.timestampType)).join('');
}

/**
 * The file's bytes up to its size when opened, read without writing anything: a broker appending
 * to a live segment meanwhile adds bytes past that size, which this dump leaves out.
 */
async function readSnapshot(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(buf, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buf.subarray(0, read);
  } finally {
    await handle.close();
  }
}
