import { ErrorCode, type InputOf, type RequestOf, type ResponseOf, SaslHandshake } from '@runnel/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

type Request = RequestOf<typeof SaslHandshake>;
type Response = InputOf<ResponseOf<typeof SaslHandshake>>;

/**
 * SaslHandshake v0-1: starts a SASL exchange of the mechanism asked for, answering the enabled
 * mechanisms either way. v0 has the tokens follow as bare frames, v1 in SaslAuthenticate (KIP-152).
 * UNSUPPORTED_SASL_MECHANISM for a mechanism not in `sasl.enabled.mechanisms`; ILLEGAL_SASL_STATE
 * on a listener without SASL or during an exchange, as Kafka answers.
 */
export class SaslHandshakeHandler implements ApiHandler<Request, Response> {
  readonly api = SaslHandshake;

  handle(request: Request, { connection, version }: RequestContext): Response {
    const session = connection.sasl;
    if (!session) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    const outcome = session.handshake(request.mechanism, version);
    const errorCode =
      outcome === 'ok'
        ? ErrorCode.NONE
        : outcome === 'unsupported-mechanism'
          ? ErrorCode.UNSUPPORTED_SASL_MECHANISM
          : ErrorCode.ILLEGAL_SASL_STATE;
    return { errorCode, mechanisms: [...session.mechanisms] };
  }

  errorResponse(_request: Request | null, errorCode: number, { connection }: RequestContext): Response {
    return { errorCode, mechanisms: [...(connection.sasl?.mechanisms ?? [])] };
  }
}
