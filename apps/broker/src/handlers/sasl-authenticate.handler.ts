import {
  ErrorCode,
  errorByCode,
  type InputOf,
  type RequestOf,
  type ResponseOf,
  SaslAuthenticate,
} from '@runnel/protocol';
import { type ApiHandler, CloseConnection, type HandlerResult, type RequestContext } from './api-handler.js';

type Request = RequestOf<typeof SaslAuthenticate>;
type Response = InputOf<ResponseOf<typeof SaslAuthenticate>>;

/**
 * SaslAuthenticate v0-2 (v2 flexible): one token of the exchange a v1 SaslHandshake started,
 * answered with the mechanism's challenge. v1+ carries `sessionLifetimeMs` once authenticated
 * (KIP-368: `connections.max.reauth.ms`, 0 when sessions do not expire). A refused token is
 * answered SASL_AUTHENTICATION_FAILED and the connection closed after that answer; a token when
 * no exchange is under way (or on a listener without SASL) is ILLEGAL_SASL_STATE.
 */
export class SaslAuthenticateHandler implements ApiHandler<Request, Response> {
  readonly api = SaslAuthenticate;

  handle(request: Request, { connection }: RequestContext): HandlerResult<Response> {
    const session = connection.sasl;
    if (!session?.awaitsAuthenticate) return this.errorResponse(request, ErrorCode.ILLEGAL_SASL_STATE);
    const outcome = session.authenticate(request.authBytes);
    if (outcome.kind === 'failed') {
      const response: Response = {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: `Authentication failed: ${outcome.message}`,
        authBytes: Buffer.alloc(0),
        sessionLifetimeMs: 0n,
      };
      return new CloseConnection(`SASL authentication failed: ${outcome.message}`, response);
    }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      authBytes: outcome.challenge,
      sessionLifetimeMs: BigInt(outcome.sessionLifetimeMs),
    };
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return {
      errorCode,
      errorMessage: errorByCode(errorCode).message,
      authBytes: Buffer.alloc(0),
      sessionLifetimeMs: 0n,
    };
  }
}
