import type { GroupCoordinator } from '@runnel/coordinator';
import { ErrorCode, type InputOf, OffsetFetch, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof OffsetFetch>;
type Response = InputOf<ResponseOf<typeof OffsetFetch>>;
type GroupRequest = Request['groups'][number];
type GroupResult = NonNullable<Response['groups']>[number];

/** The first OffsetFetch version with a top-level error code (and null topics meaning "all"). */
const GROUP_ERROR_VERSION = 2;
/** The first version that asks for several groups at once (KIP-709). */
const BATCHED_VERSION = 8;

/**
 * OffsetFetch v0-8 (v6+ flexible). A partition without a commit answers offset -1 and metadata
 * ''. From v2 a null topic list asks for every committed offset of the group and group-level
 * errors (COORDINATOR_LOAD_IN_PROGRESS, ...) go in the top-level error code; v0-1 have none, so
 * such an error is put on every requested partition, as Kafka does. v5 adds the committed leader
 * epoch. v7's `requireStable` has nothing to wait for: without transactions no offset is ever
 * pending. v8 asks for several groups, each answered on its own (its offsets, or its error with
 * no topics), in request order.
 */
export class OffsetFetchHandler implements ApiHandler<Request, Response> {
  readonly api = OffsetFetch;

  constructor(private readonly coordinator: GroupCoordinator) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    if (context.version >= BATCHED_VERSION) {
      return {
        throttleTimeMs: 0,
        groups: await Promise.all(request.groups.map((group) => this.fetchGroup(group))),
      };
    }
    const result = await this.coordinator.fetchOffsets({
      groupId: request.groupId,
      topics: request.topics,
    });
    if (result.errorCode !== ErrorCode.NONE) return this.errorResponse(request, result.errorCode, context);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      topics: result.topics.map(({ name, partitions }) => ({ name, partitions: [...partitions] })),
    };
  }

  private async fetchGroup({ groupId, topics }: GroupRequest): Promise<GroupResult> {
    const result = await this.coordinator.fetchOffsets({ groupId, topics });
    if (result.errorCode !== ErrorCode.NONE) return { groupId, topics: [], errorCode: result.errorCode };
    return {
      groupId,
      topics: result.topics.map(({ name, partitions }) => ({ name, partitions: [...partitions] })),
      errorCode: ErrorCode.NONE,
    };
  }

  errorResponse(request: Request | null, errorCode: number, { version }: RequestContext): Response {
    if (version >= BATCHED_VERSION) {
      return {
        throttleTimeMs: 0,
        groups: (request?.groups ?? []).map(({ groupId }) => ({ groupId, topics: [], errorCode })),
      };
    }
    const perPartition = version < GROUP_ERROR_VERSION ? errorCode : ErrorCode.NONE;
    return {
      throttleTimeMs: 0,
      errorCode,
      topics: (request?.topics ?? []).map(({ name, partitionIndexes }) => ({
        name,
        partitions: partitionIndexes.map((partitionIndex) => ({
          partitionIndex,
          committedOffset: -1n,
          committedLeaderEpoch: -1,
          metadata: '',
          errorCode: perPartition,
        })),
      })),
    };
  }
}
