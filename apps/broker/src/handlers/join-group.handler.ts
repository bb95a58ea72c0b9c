import { ErrorCode, type InputOf, JoinGroup, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { GroupCoordination } from '../groups/group-coordination.js';
import { AclOperation } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof JoinGroup>;
type Response = InputOf<ResponseOf<typeof JoinGroup>>;

/** The first JoinGroup version whose new members must rejoin with the id they are given (KIP-394). */
const REQUIRE_KNOWN_MEMBER_ID_VERSION = 4;

/**
 * JoinGroup v0-6 (v6 flexible). The answer waits until the group's rebalance completes (or the member's
 * rebalance timeout passes): the coordinator's promise, which other connections never wait on.
 * v0 has no rebalance timeout, so the session timeout bounds the rebalance; v4+ new members are
 * answered MEMBER_ID_REQUIRED with an id to rejoin with; v5 adds static members
 * (`groupInstanceId`). The member's host is the connection's remote address, as Kafka shows it.
 */
export class JoinGroupHandler implements ApiHandler<Request, Response> {
  readonly api = JoinGroup;

  constructor(
    private readonly coordinator: GroupCoordination,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    if (!this.authorizer.group(context, AclOperation.READ, request.groupId)) {
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    }
    const { version, header, connection } = context;
    const result = await this.coordinator.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      requireKnownMemberId: version >= REQUIRE_KNOWN_MEMBER_ID_VERSION,
      clientId: header.clientId ?? '',
      clientHost: `/${hostOf(connection.remoteAddress)}`,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: version === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map(({ name, metadata }) => ({ name, metadata: Buffer.from(metadata) })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolName: result.protocolName,
      leader: result.leader,
      memberId: result.memberId,
      members: result.members.map(({ memberId, groupInstanceId, metadata }) => ({
        memberId,
        groupInstanceId,
        metadata,
      })),
    };
  }

  errorResponse(request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      errorCode,
      generationId: -1,
      protocolName: '',
      leader: '',
      memberId: request?.memberId ?? '',
      members: [],
    };
  }
}

/** The host part of `host:port` (an IPv6 host keeps its colons). */
function hostOf(remoteAddress: string): string {
  return remoteAddress.slice(0, remoteAddress.lastIndexOf(':'));
}
