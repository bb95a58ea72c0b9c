import type { GroupCoordinator } from '@runnel/coordinator';
import { type InputOf, OffsetCommit, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof OffsetCommit>;
type Response = InputOf<ResponseOf<typeof OffsetCommit>>;

/** Generation of a commit from outside group management ("simple" commit: admin tools, assign()). */
const NO_GENERATION = -1;

/**
 * OffsetCommit v0-7. Each partition's result comes once the commit is durable in
 * `__consumer_offsets`. v0 carries no generation or member: it is a simple commit. v1's
 * per-partition `commitTimestamp` and v2-4's `retentionTimeMs` are ignored, as Kafka 2.1+ does
 * (offsets live for `offsets.retention.minutes` after their group empties). v6 adds the leader
 * epoch of the committed offset, v7 static members.
 */
export class OffsetCommitHandler implements ApiHandler<Request, Response> {
  readonly api = OffsetCommit;

  constructor(private readonly coordinator: GroupCoordinator) {}

  async handle(request: Request, { version }: RequestContext): Promise<Response> {
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
    return {
      throttleTimeMs: 0,
      topics: result.topics.map(({ name, partitions }) => ({ name, partitions: [...partitions] })),
    };
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
