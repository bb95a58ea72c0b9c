import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE_NAME = 'producer-ids.json';
const FORMAT_VERSION = 1;

/** Producer ids reserved at a time (Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE). */
export const PRODUCER_ID_BLOCK_SIZE = 1000n;

/** Largest producer id: ids are int64 and -1 means "none". */
const MAX_PRODUCER_ID = 0x7fffffffffffffffn;

/**
 * Hands out producer ids for InitProducerId, never the same one twice in the life of a data
 * directory (Kafka's ProducerIdManager). Ids are reserved in blocks of PRODUCER_ID_BLOCK_SIZE:
 * before the first id of a block is handed out, the end of the block is written to
 * `<data-dir>/producer-ids.json` as `{"formatVersion":1,"nextBlockStart":"<decimal int64>"}`,
 * atomically (temp file, fsync, rename, fsync of the directory). A broker starting on the
 * directory begins at `nextBlockStart`, so ids of a block cut short by a stop or a crash are
 * skipped, never reused. One file write per thousand producers.
 */
export class ProducerIdManager {
  private nextId: bigint;
  private blockEnd: bigint;

  private constructor(
    private readonly dataDir: string,
    nextBlockStart: bigint,
  ) {
    this.nextId = nextBlockStart;
    this.blockEnd = nextBlockStart;
  }

  /** The manager of `dataDir`, starting after every block an earlier run reserved. */
  static open(dataDir: string): ProducerIdManager {
    return new ProducerIdManager(dataDir, readNextBlockStart(join(dataDir, FILE_NAME)));
  }

  /** A producer id no one was given before; throws (with the file named) if the block cannot be reserved. */
  generateProducerId(): bigint {
    if (this.nextId === this.blockEnd) this.reserveBlock();
    return this.nextId++;
  }

  private reserveBlock(): void {
    const end = this.blockEnd + PRODUCER_ID_BLOCK_SIZE;
    if (end > MAX_PRODUCER_ID) {
      throw new Error(
        `producer ids are exhausted: the next block would end at ${end}, above ${MAX_PRODUCER_ID}`,
      );
    }
    const path = join(this.dataDir, FILE_NAME);
    const temp = `${path}.tmp`;
    writeFileSync(
      temp,
      `${JSON.stringify({ formatVersion: FORMAT_VERSION, nextBlockStart: end.toString() })}\n`,
    );
    fsyncPath(temp);
    renameSync(temp, path);
    fsyncPath(this.dataDir);
    this.blockEnd = end;
  }
}

function readNextBlockStart(path: string): bigint {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0n;
    throw err;
  }
  const stored = JSON.parse(text) as { formatVersion?: unknown; nextBlockStart?: unknown };
  if (stored.formatVersion !== FORMAT_VERSION) {
    throw new Error(
      `${path} has format version ${String(stored.formatVersion)}; this broker reads version ${FORMAT_VERSION}`,
    );
  }
  if (typeof stored.nextBlockStart !== 'string' || !/^\d{1,19}$/.test(stored.nextBlockStart)) {
    throw new Error(
      `${path} has nextBlockStart ${JSON.stringify(stored.nextBlockStart)}; expected a decimal int64`,
    );
  }
  return BigInt(stored.nextBlockStart);
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
