import type { OffsetCommitResult } from '@runnel/coordinator';
import { ErrorCode, type InputOf, OffsetCommit, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { GroupCoordination } from '../groups/group-coordination.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof OffsetCommit>;
type Response = InputOf<ResponseOf<typeof OffsetCommit>>;

/** Generation of a commit from outside group management ("simple" commit: admin tools, assign()). */
const NO_GENERATION = -1;

/**
 * OffsetCommit v0-8 (v8 flexible). Each partition's result comes once the commit is durable in
 * `__consumer_offsets`. v0 carries no generation or member: it is a simple commit. v1's
 * per-partition `commitTimestamp` and v2-4's `retentionTimeMs` are ignored, as Kafka 2.1+ does
 * (offsets live for `offsets.retention.minutes` after their group empties). v6 adds the leader
 * epoch of the committed offset, v7 static members. A partition that does not exist is
 * UNKNOWN_TOPIC_OR_PARTITION and is not committed, as Kafka checks its metadata cache; the
 * others are committed (or refused) together.
 */
export class OffsetCommitHandler implements ApiHandler<Request, Response> {
  readonly api = OffsetCommit;

  constructor(
    private readonly coordinator: GroupCoordination,
    private readonly topics: TopicManager,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    const { version } = context;
    if (!this.authorizer.group(context, AclOperation.READ, request.groupId)) {
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    }
    // Authorization before existence, as Kafka: an unreadable topic is refused whether it exists or not.
    const readable = (name: string) => this.authorizer.topic(context, AclOperation.READ, name);
    const exists = (name: string, partition: number) =>
      readable(name) && partition >= 0 && partition < (this.topics.topic(name)?.partitions ?? 0);
    const known = request.topics
      .map(({ name, partitions }) => ({
        name,
        partitions: partitions.filter((p) => exists(name, p.partitionIndex)),
      }))
      .filter(({ partitions }) => partitions.length > 0);
    const results = new Map<string, number>();
    if (known.length > 0) {
      for (const { name, partitions } of await this.commit({ ...request, topics: known }, version)) {
        for (const { partitionIndex, errorCode } of partitions)
          results.set(partitionKey(name, partitionIndex), errorCode);
      }
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map(({ name, partitions }) => ({
        name,
        partitions: partitions.map(({ partitionIndex }) => ({
          partitionIndex,
          errorCode:
            results.get(partitionKey(name, partitionIndex)) ??
            (readable(name) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.TOPIC_AUTHORIZATION_FAILED),
        })),
      })),
    };
  }

  private async commit(request: Request, version: number): Promise<OffsetCommitResult['topics']> {
    const result = await this.coordinator.commitOffsets({
      groupId: request.groupId,
      generationId: version === 0 ? NO_GENERATION : request.generationId,
      memberId: version === 0 ? '' : request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      topics: request.topics.map(({ name, partitions }) => ({
        name,
        partitions: partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: p.committedLeaderEpoch,
          committedMetadata: p.committedMetadata,
        })),
      })),
    });
    return result.topics;
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      topics: (request?.topics ?? []).map(({ name, partitions }) => ({
        name,
        partitions: partitions.map(({ partitionIndex }) => ({ partitionIndex, errorCode })),
      })),
    };
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
