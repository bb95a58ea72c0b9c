import {
  ErrorCode,
  errorByCode,
  FindCoordinator,
  type InputOf,
  type RequestOf,
  type ResponseOf,
} from '@runnel/protocol';
import type { BrokerEndpoint } from '../network/broker-endpoint.js';
import type { ApiHandler } from './api-handler.js';

type Request = RequestOf<typeof FindCoordinator>;
type Response = InputOf<ResponseOf<typeof FindCoordinator>>;

/** FindCoordinator key types (v1+; v0 is always a group). */
const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;

/**
 * FindCoordinator v0-3 (v3 flexible). This broker coordinates every group, so a group key (type
 * 0) is answered with its own endpoint. There is no transaction coordinator: a transactional id
 * (type 1) is COORDINATOR_NOT_AVAILABLE, as Kafka answers while `__transaction_state` cannot be
 * used; any other key type is INVALID_REQUEST. `errorMessage` exists from v1.
 */
export class FindCoordinatorHandler implements ApiHandler<Request, Response> {
  readonly api = FindCoordinator;

  constructor(private readonly endpoint: BrokerEndpoint) {}

  handle(request: Request): Response {
    if (request.keyType === GROUP_KEY_TYPE) {
      const { nodeId, host, port } = this.endpoint;
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId, host, port };
    }
    const known = request.keyType === TRANSACTION_KEY_TYPE;
    return this.errorResponse(
      request,
      known ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.INVALID_REQUEST,
    );
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return {
      throttleTimeMs: 0,
      errorCode,
      errorMessage: errorByCode(errorCode).message,
      nodeId: -1,
      host: '',
      port: -1,
    };
  }
}
