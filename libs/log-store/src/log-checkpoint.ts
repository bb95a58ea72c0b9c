import { join } from 'node:path';
import { KafkaStorageError } from './errors.js';
import { CHECKPOINT_FILE, CHECKPOINT_TEMP_FILE } from './log-file-names.js';
import { readSmallFile, writeFileAtomically } from './storage-io.js';

/** What a partition log remembers across restarts besides its segments. */
export interface LogCheckpointData {
  /** Every batch below this offset was fsynced; recovery scans from the segment that holds it. */
  recoveryPoint: bigint;
  /** The first offset readers may see; retention and deleteRecordsBefore advance it. */
  logStartOffset: bigint;
  /** The first offset the cleaner has not compacted yet. */
  cleanerOffset: bigint;
}

const VERSION = '0';
const FIELDS = ['recoveryPoint', 'logStartOffset', 'cleanerOffset'] as const;

/**
 * The `log-checkpoint` file of a partition directory. Text, one line each:
 *
 * ```
 * 0                       format version
 * recoveryPoint 1200
 * logStartOffset 300
 * cleanerOffset 300
 * ```
 *
 * Written atomically (temporary file, fsync, rename, fsync of the directory), so after a crash it
 * holds either the previous or the new content. A missing file means a log that never wrote one:
 * every offset then starts at the first segment. A file that does not parse is damage that
 * cannot be guessed past, so reading it throws KafkaStorageError and the log does not open.
 */
export class LogCheckpoint {
  static read(dir: string): LogCheckpointData | undefined {
    const path = join(dir, CHECKPOINT_FILE);
    const text = readSmallFile(path);
    if (text === undefined) return undefined;
    const lines = text.split('\n');
    const values = FIELDS.map((field, i) => {
      const [name, value] = (lines[i + 1] ?? '').split(' ');
      return name === field && value !== undefined && /^\d+$/.test(value) ? BigInt(value) : undefined;
    });
    const [recoveryPoint, logStartOffset, cleanerOffset] = values;
    if (
      lines[0] !== VERSION ||
      recoveryPoint === undefined ||
      logStartOffset === undefined ||
      cleanerOffset === undefined
    ) {
      throw new KafkaStorageError(
        `checkpoint ${path} does not parse: ${JSON.stringify(text.slice(0, 200))}`,
        path,
      );
    }
    return { recoveryPoint, logStartOffset, cleanerOffset };
  }

  static write(dir: string, data: LogCheckpointData): void {
    const text = `${VERSION}\n${FIELDS.map((field) => `${field} ${data[field]}\n`).join('')}`;
    writeFileAtomically(join(dir, CHECKPOINT_FILE), join(dir, CHECKPOINT_TEMP_FILE), text);
  }
}
