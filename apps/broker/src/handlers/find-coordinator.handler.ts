import {
  ErrorCode,
  errorByCode,
  FindCoordinator,
  type InputOf,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import type { GroupCoordination } from '../groups/group-coordination.js';
import type { BrokerEndpoint } from '../network/broker-endpoint.js';
import { AclOperation, ResourceType } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof FindCoordinator>;
type Response = InputOf<ResponseOf<typeof FindCoordinator>>;
type Coordinator = NonNullable<Response['coordinators']>[number];

/** FindCoordinator key types (v1+; v0 is always a group). */
const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;
/** The first version that looks up a batch of keys (KIP-699), each answered on its own. */
const BATCHED_VERSION = 4;

/**
 * FindCoordinator v0-4 (v3+ flexible). This broker coordinates every group, so a group key (type
 * 0) is answered with its own endpoint. There is no transaction coordinator: a transactional id
 * (type 1) is COORDINATOR_NOT_AVAILABLE, as Kafka answers while `__transaction_state` cannot be
 * used; any other key type is INVALID_REQUEST. `errorMessage` exists from v1. v0-3 ask for one
 * `key` and are answered at the top level; v4 asks for `coordinatorKeys`, all of one key type,
 * and answers one coordinator per key, in request order.
 *
 * In a cluster a group's coordinator is the leader of its `__consumer_offsets` partition, the same
 * answer on every broker whose cache has the same state; the first group key creates the topic in
 * the cluster (as Kafka), and while the topic cannot be created or the partition has no live
 * leader the key is COORDINATOR_NOT_AVAILABLE, its `errorMessage` saying why.
 *
 * With `--authorizer acl` a group key needs Describe on the group (GROUP_AUTHORIZATION_FAILED), a
 * transactional id Describe on it (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), as Kafka.
 */
export class FindCoordinatorHandler implements ApiHandler<Request, Response> {
  readonly api = FindCoordinator;

  constructor(
    private readonly endpoint: BrokerEndpoint,
    private readonly authorizer: Authorizer,
    private readonly coordinatorOf?: GroupCoordination['coordinatorOf'],
  ) {}

  async handle(request: Request, context: RequestContext): Promise<Response> {
    const { version, connection } = context;
    if (version >= BATCHED_VERSION) {
      return {
        throttleTimeMs: 0,
        coordinators: await Promise.all(
          request.coordinatorKeys.map((key) =>
            this.coordinatorFor(key, request.keyType, connection.listenerName, context),
          ),
        ),
      };
    }
    const { key: _key, ...coordinator } = await this.coordinatorFor(
      request.key,
      request.keyType,
      connection.listenerName,
      context,
    );
    return { throttleTimeMs: 0, ...coordinator };
  }

  errorResponse(request: Request | null, errorCode: number, { version }: RequestContext): Response {
    if (version >= BATCHED_VERSION) {
      return {
        throttleTimeMs: 0,
        coordinators: (request?.coordinatorKeys ?? []).map((key) => failed(key, errorCode)),
      };
    }
    const { key: _key, ...coordinator } = failed('', errorCode);
    return { throttleTimeMs: 0, ...coordinator };
  }

  private async coordinatorFor(
    key: string,
    keyType: number,
    listenerName: string,
    context: RequestContext,
  ): Promise<Coordinator> {
    if (keyType === GROUP_KEY_TYPE) {
      if (!this.authorizer.group(context, AclOperation.DESCRIBE, key)) {
        return failed(key, ErrorCode.GROUP_AUTHORIZATION_FAILED);
      }
      const coordinator = this.coordinatorOf
        ? await this.coordinatorOf(key, listenerName)
        : this.endpoint.advertised(listenerName);
      if (typeof coordinator === 'string') {
        return { ...failed(key, ErrorCode.COORDINATOR_NOT_AVAILABLE), errorMessage: coordinator };
      }
      const { nodeId, host, port } = coordinator;
      return { key, nodeId, host, port, errorCode: ErrorCode.NONE, errorMessage: null };
    }
    const transactionalId = { resourceType: ResourceType.TRANSACTIONAL_ID, name: key };
    if (
      keyType === TRANSACTION_KEY_TYPE &&
      !this.authorizer.authorize(context, AclOperation.DESCRIBE, transactionalId)
    ) {
      return failed(key, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    }
    return failed(
      key,
      keyType === TRANSACTION_KEY_TYPE ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.INVALID_REQUEST,
    );
  }
}

function failed(key: string, errorCode: number): Coordinator {
  return { key, nodeId: -1, host: '', port: -1, errorCode, errorMessage: errorByCode(errorCode).message };
}
