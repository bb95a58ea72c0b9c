import { ErrorCode, InitProducerId, type InputOf, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { ProducerIdManager } from '../produce/producer-id-manager.js';
import { AclOperation, ResourceType } from '../security/authorization/acl.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof InitProducerId>;
type Response = InputOf<ResponseOf<typeof InitProducerId>>;

/** Epoch of a new idempotent producer; -1 (Kafka's NO_PRODUCER_EPOCH) in an error response. */
const FIRST_EPOCH = 0;
const NO_PRODUCER_EPOCH = -1;

/**
 * InitProducerId v0-3 (v2+ flexible), for idempotent producers (a null `transactionalId`): each
 * call gets a producer id never handed out before on this data directory, nor in a cluster by
 * another broker (ProducerIdManager), and epoch 0. Sequence numbers then start at 0 per partition, and the produce path keeps them. The
 * id and epoch a v3 request may carry (KIP-360) are ignored without a transactional id, as
 * Kafka's TransactionCoordinator ignores them: an idempotent producer always gets a fresh id.
 *
 * Transactions are not supported: a transactional id is refused with
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED, which clients treat as fatal and report, rather than a
 * retriable coordinator error that would have them retry forever (Produce answers a transactional
 * id the same way).
 *
 * With `--authorizer acl` a producer needs IdempotentWrite on the cluster or, as Kafka since
 * KIP-679, Write on some topic; otherwise CLUSTER_AUTHORIZATION_FAILED.
 */
export class InitProducerIdHandler implements ApiHandler<Request, Response> {
  readonly api = InitProducerId;

  constructor(
    private readonly producerIds: ProducerIdManager,
    private readonly authorizer: Authorizer,
  ) {}

  handle(request: Request, context: RequestContext): Response {
    if (request.transactionalId !== null) {
      return this.errorResponse(request, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    }
    const idempotent =
      this.authorizer.cluster(context, AclOperation.IDEMPOTENT_WRITE) ||
      this.authorizer.authorizeAny(context, AclOperation.WRITE, ResourceType.TOPIC);
    if (!idempotent) return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      producerId: this.producerIds.generateProducerId(),
      producerEpoch: FIRST_EPOCH,
    };
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: NO_PRODUCER_EPOCH };
  }
}
