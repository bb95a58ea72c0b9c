import type { Api, InputOf, RequestHeaderData } from '@runnel/protocol';
import type { SaslSession } from '../security/authentication/sasl-session.js';

/** What a handler may know of the connection a request came on. */
export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  /**
   * Who the connection speaks for, as Kafka's KafkaPrincipal prints it: `User:ANONYMOUS` until it
   * authenticates, `User:<name>` after SASL, `User:<certificate subject>` with a TLS client
   * certificate. It may change during the connection's life (SASL re-authentication), so read it
   * per request.
   */
  readonly principal: string;
  /** The listener the connection came in on (`PLAINTEXT` for the single `--port` listener). */
  readonly listenerName: string;
  /** The connection's SASL state, on a SASL_PLAINTEXT or SASL_SSL listener only. */
  readonly sasl?: SaslSession | undefined;
}

/** The principal of a connection that has not authenticated (Kafka's KafkaPrincipal.ANONYMOUS). */
export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

/** What a handler knows about the request beyond its body. */
export interface RequestContext {
  readonly header: RequestHeaderData;
  readonly version: number;
  readonly connection: ConnectionInfo;
}

/** Returned by a handler when the request gets no response at all (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no response');

/**
 * Returned by a handler (or the router) when a request must not be answered and its connection
 * must close: the only way to tell a client that wants no response that its request failed
 * (Kafka closes an acks=0 producer's connection when its produce fails). `reason` is logged.
 */
export class CloseConnection {
  constructor(
    readonly reason: string,
    /**
     * A response written before the close (SaslAuthenticate's SASL_AUTHENTICATION_FAILED): from a
     * handler, the response body; from the router, that body encoded as its frame.
     */
    readonly lastResponse?: unknown,
  ) {}
}

/** What a handler says should happen with a request: this response, no response, or a close. */
export type HandlerResult<Res> = InputOf<Res> | typeof NO_RESPONSE | CloseConnection;

/**
 * One Kafka API served by the broker. Every API is advertised from version 0 (librdkafka 2.0
 * disables features when a minimum is above 0); versions below `minServedVersion` are answered
 * with UNSUPPORTED_VERSION through `errorResponse`, which must build a response of this API that
 * carries `errorCode` everywhere the response has room for one.
 */
export interface ApiHandler<Req = unknown, Res = unknown> {
  readonly api: Api<Req, Res>;
  /** Lowest version actually served (default 0). */
  readonly minServedVersion?: number;
  handle(request: Req, context: RequestContext): HandlerResult<Res> | Promise<HandlerResult<Res>>;
  /** A response answering `request` (null when the body could not be decoded) with `errorCode`. */
  errorResponse(request: Req | null, errorCode: number, context: RequestContext): InputOf<Res>;
}

/** A handler of any API, as the router holds them (each handler's own types stay checked where it is written). */
// biome-ignore lint/suspicious/noExplicitAny: request and response types differ per API; the router only passes them through
export type AnyApiHandler = ApiHandler<any, any>;
