import { statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KafkaStorageError } from '@runnel/log-store';
import { DescribeLogDirs, ErrorCode, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof DescribeLogDirs>;
type Response = InputOf<ResponseOf<typeof DescribeLogDirs>>;
type PartitionResult = {
  partitionIndex: number;
  partitionSize: bigint;
  offsetLag: bigint;
  isFutureKey: boolean;
};

/** The first version whose response carries the volume's totalBytes and usableBytes. */
const VOLUME_BYTES_VERSION = 4;

/** What totalBytes and usableBytes say when the volume cannot be asked (the spec's default). */
const UNKNOWN_VOLUME = { totalBytes: -1n, usableBytes: -1n };

/**
 * DescribeLogDirs v0-4. The broker has one log directory, its data dir, reported by its absolute
 * path with every partition it holds there (internal topics included), or those of the topics and
 * partitions named; partitions that do not exist here are left out, as Kafka does. Per partition:
 * `partitionSize` is the bytes of its `.log` segment files (PartitionLog.size); `offsetLag` is 0
 * (without followers the high watermark is the log end) and `isFutureKey` false (there is no
 * AlterReplicaLogDirs). A partition whose log is offline is left out: it has no size to report.
 * v4's `totalBytes` and `usableBytes` are the volume's size and the bytes an unprivileged process
 * may still write (statfs `blocks` and `bavail`), -1 when statfs fails. With `--authorizer acl`
 * it needs Describe on the cluster, else CLUSTER_AUTHORIZATION_FAILED (v3+) and no log dirs.
 */
export class DescribeLogDirsHandler implements ApiHandler<Request, Response> {
  readonly api = DescribeLogDirs;
  private readonly logDir: string;

  constructor(
    private readonly topics: TopicManager,
    dataDir: string,
    private readonly authorizer: Authorizer,
  ) {
    this.logDir = resolve(dataDir);
  }

  async handle(request: Request, context: RequestContext): Promise<Response> {
    // Kafka answers v0-2, which have no error code, with no log dirs.
    if (!this.authorizer.cluster(context, AclOperation.DESCRIBE)) {
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    const { version } = context;
    const { totalBytes, usableBytes } =
      version >= VOLUME_BYTES_VERSION ? await volumeBytes(this.logDir) : UNKNOWN_VOLUME;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [
        {
          errorCode: ErrorCode.NONE,
          logDir: this.logDir,
          topics: this.described(request.topics).filter(({ partitions }) => partitions.length > 0),
          totalBytes,
          usableBytes,
        },
      ],
    };
  }

  /** The topics asked for (null: every topic), each with the partitions of it held here. */
  private described(asked: Request['topics']): { name: string; partitions: PartitionResult[] }[] {
    const wanted =
      asked ??
      this.topics.allTopics().map(({ name, partitions }) => ({
        topic: name,
        partitions: Array.from({ length: partitions }, (_, p) => p),
      }));
    return wanted.map(({ topic, partitions }) => ({
      name: topic,
      partitions: partitions.flatMap((partitionIndex): PartitionResult[] => {
        const size = this.sizeOf(topic, partitionIndex);
        return size === undefined
          ? []
          : [{ partitionIndex, partitionSize: BigInt(size), offsetLag: 0n, isFutureKey: false }];
      }),
    }));
  }

  private sizeOf(topic: string, partition: number): number | undefined {
    try {
      const log = this.topics.localLog(topic, partition);
      return log && !log.isOffline ? log.size : undefined;
    } catch (err) {
      if (err instanceof KafkaStorageError) return undefined;
      throw err;
    }
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, errorCode, results: [] };
  }
}

async function volumeBytes(path: string): Promise<{ totalBytes: bigint; usableBytes: bigint }> {
  try {
    const { blocks, bavail, bsize } = await statfs(path, { bigint: true });
    return { totalBytes: blocks * bsize, usableBytes: bavail * bsize };
  } catch {
    return UNKNOWN_VOLUME;
  }
}
