import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE_NAME = 'producer-ids.json';
const FORMAT_VERSION = 1;

/** Producer ids reserved at a time (Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE). */
export const PRODUCER_ID_BLOCK_SIZE = 1000n;

/** Largest producer id: ids are int64 and -1 means "none". */
const MAX_PRODUCER_ID = 0x7fffffffffffffffn;

/** Ids one broker of a cluster may hand out: its range is `nodeId * CLUSTER_RANGE_SIZE` and the next CLUSTER_RANGE_SIZE - 1. */
export const CLUSTER_RANGE_SIZE = 2n ** 32n;

/**
 * Hands out producer ids for InitProducerId, never the same one twice in the life of a data
 * directory (Kafka's ProducerIdManager). Ids are reserved in blocks of PRODUCER_ID_BLOCK_SIZE:
 * before the first id of a block is handed out, the end of the block is written to
 * `<data-dir>/producer-ids.json` as `{"formatVersion":1,"nextBlockStart":"<decimal int64>"}`,
 * atomically (temp file, fsync, rename, fsync of the directory). A broker starting on the
 * directory begins at `nextBlockStart`, so ids of a block cut short by a stop or a crash are
 * skipped, never reused. One file write per thousand producers.
 *
 * In a cluster every broker hands out ids, so each has its own range: broker `nodeId` gives
 * `nodeId * 2^32` plus its data directory's count, below 2^32 (the file keeps the count). Two
 * brokers never give the same id, which their replicated producer states need: a producer id
 * given twice would make one producer's batches look like retries of the other's, answered with
 * the other's offsets and never written. (Kafka's brokers take blocks from a cluster-wide counter
 * in ZooKeeper, `/latest_producer_id_block`; disjoint ranges need no round trip to etcd.)
 */
export class ProducerIdManager {
  private nextId: bigint;
  private blockEnd: bigint;

  private constructor(
    private readonly dataDir: string,
    nextBlockStart: bigint,
    /** The first id of this broker's range (0 on a single broker), and how many ids the range holds. */
    private readonly rangeStart: bigint,
    private readonly rangeSize: bigint,
  ) {
    this.nextId = nextBlockStart;
    this.blockEnd = nextBlockStart;
  }

  /**
   * The manager of `dataDir`, starting after every block an earlier run reserved; with
   * `clusterNodeId`, in that broker's range of the cluster's ids.
   */
  static open(dataDir: string, clusterNodeId?: number): ProducerIdManager {
    const nextBlockStart = readNextBlockStart(join(dataDir, FILE_NAME));
    if (clusterNodeId === undefined)
      return new ProducerIdManager(dataDir, nextBlockStart, 0n, MAX_PRODUCER_ID);
    return new ProducerIdManager(
      dataDir,
      nextBlockStart,
      BigInt(clusterNodeId) * CLUSTER_RANGE_SIZE,
      CLUSTER_RANGE_SIZE - 1n,
    );
  }

  /** A producer id no one was given before; throws (with the file named) if the block cannot be reserved. */
  generateProducerId(): bigint {
    if (this.nextId === this.blockEnd) this.reserveBlock();
    return this.rangeStart + this.nextId++;
  }

  private reserveBlock(): void {
    const end = this.blockEnd + PRODUCER_ID_BLOCK_SIZE;
    if (end > this.rangeSize) {
      throw new Error(
        `producer ids are exhausted: the next block would end at ${this.rangeStart + end}, above ${this.rangeStart + this.rangeSize}`,
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
