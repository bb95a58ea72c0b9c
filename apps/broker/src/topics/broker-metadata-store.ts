import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the broker keeps about itself and its topics in `<data-dir>`. */
export interface BrokerMetadata {
  clusterId: string;
  nodeId: number;
  topics: StoredTopic[];
}

export interface StoredTopic {
  name: string;
  partitions: number;
  /** Topic-level configs the topic sets, by Kafka name; the rest come from the broker's defaults. */
  configs: Record<string, string>;
  /**
   * In a cluster, the create revision of the topic's key in etcd: which incarnation of the name
   * these logs belong to (Kafka's topic id), so that a broker finding the topic deleted, or
   * deleted and created again, while it was away removes the old logs. Absent for a topic of
   * this broker's own (a single broker's, or its local `__consumer_offsets`).
   */
  clusterCreateRevision?: number;
}

const FORMAT_VERSION = 1;
const FILE_NAME = 'meta.json';

/**
 * `<data-dir>/meta.json`: cluster id, node id, format version and the topics with their partition
 * counts and configs (on one broker, this file is what a controller quorum would be in a cluster).
 * Writes replace the file atomically (temp file, fsync, rename, fsync of the directory), so a
 * crash leaves either the old file or the new one.
 */
export class BrokerMetadataStore {
  constructor(private readonly dataDir: string) {}

  /** The stored metadata, or a new cluster id and no topics on a fresh data directory. */
  load(nodeId: number): BrokerMetadata {
    let text: string;
    try {
      text = readFileSync(join(this.dataDir, FILE_NAME), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const fresh = { clusterId: newClusterId(), nodeId, topics: [] };
      this.save(fresh);
      return fresh;
    }
    const stored = JSON.parse(text) as BrokerMetadata & { formatVersion: number };
    if (stored.formatVersion !== FORMAT_VERSION) {
      throw new Error(
        `${join(this.dataDir, FILE_NAME)} has format version ${stored.formatVersion}; this broker reads version ${FORMAT_VERSION}`,
      );
    }
    if (stored.nodeId !== nodeId) {
      throw new Error(
        `${join(this.dataDir, FILE_NAME)} belongs to node ${stored.nodeId}, but this broker is node ${nodeId} (nodeId)`,
      );
    }
    return { clusterId: stored.clusterId, nodeId, topics: stored.topics };
  }

  save(metadata: BrokerMetadata): void {
    const path = join(this.dataDir, FILE_NAME);
    const temp = `${path}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ formatVersion: FORMAT_VERSION, ...metadata }, null, 2)}\n`);
    fsyncPath(temp);
    renameSync(temp, path);
    fsyncPath(this.dataDir);
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** 22 characters of URL-safe base64 from 16 random bytes, like Kafka's cluster ids. */
function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}
