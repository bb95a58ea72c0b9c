import type { OffsetFetchResult } from '@runnel/coordinator';
import { ErrorCode, type InputOf, OffsetFetch, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { GroupCoordination } from '../groups/group-coordination.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof OffsetFetch>;
type Response = InputOf<ResponseOf<typeof OffsetFetch>>;
type GroupRequest = Request['groups'][number];
type GroupResult = NonNullable<Response['groups']>[number];
type FetchedTopics = OffsetFetchResult['topics'];

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

  constructor(
    private readonly coordinator: GroupCoordination,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    if (context.version >= BATCHED_VERSION) {
      return {
        throttleTimeMs: 0,
        groups: await Promise.all(request.groups.map((group) => this.fetchGroup(group, context))),
      };
    }
    if (!this.authorizer.group(context, AclOperation.DESCRIBE, request.groupId)) {
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED, context);
    }
    const result = await this.coordinator.fetchOffsets({
      groupId: request.groupId,
      topics: request.topics,
    });
    if (result.errorCode !== ErrorCode.NONE) return this.errorResponse(request, result.errorCode, context);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      topics: this.describable(result.topics, request.topics === null, context),
    };
  }

  private async fetchGroup({ groupId, topics }: GroupRequest, context: RequestContext): Promise<GroupResult> {
    if (!this.authorizer.group(context, AclOperation.DESCRIBE, groupId)) {
      return { groupId, topics: [], errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    }
    const result = await this.coordinator.fetchOffsets({ groupId, topics });
    if (result.errorCode !== ErrorCode.NONE) return { groupId, topics: [], errorCode: result.errorCode };
    return {
      groupId,
      topics: this.describable(result.topics, topics === null, context),
      errorCode: ErrorCode.NONE,
    };
  }

  /**
   * The committed offsets the principal may see, as Kafka: asked for every topic, those it may
   * not Describe are left out; asked by name, their partitions are TOPIC_AUTHORIZATION_FAILED.
   */
  private describable(topics: FetchedTopics, everyTopic: boolean, context: RequestContext) {
    const result = [];
    for (const { name, partitions } of topics) {
      if (this.authorizer.topic(context, AclOperation.DESCRIBE, name)) {
        result.push({ name, partitions: [...partitions] });
      } else if (!everyTopic) {
        const refused = partitions.map(({ partitionIndex }) => ({
          partitionIndex,
          committedOffset: -1n,
          committedLeaderEpoch: -1,
          metadata: '',
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        }));
        result.push({ name, partitions: refused });
      }
    }
    return result;
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
