/**
 * The server side of one SASL exchange (javax.security.sasl.SaslServer's role): fed the client's
 * tokens one at a time, it answers each with a challenge, until the exchange completes with the
 * user authenticated or fails with SaslAuthenticationError.
 */
export interface SaslServer {
  readonly mechanism: string;
  /** The challenge answering `token`; `user` is set once authentication has succeeded. */
  evaluate(token: Buffer): { challenge: Buffer; user?: string };
}

/**
 * The client's credentials or messages were refused. `user` is the name it tried, when it gave
 * one (logged, as Kafka logs the principal; the password never is). The message goes to the client
 * as SaslAuthenticate's errorMessage, so it says what failed but not which user names exist.
 */
export class SaslAuthenticationError extends Error {
  override readonly name = 'SaslAuthenticationError';
  constructor(
    message: string,
    readonly user?: string,
  ) {
    super(message);
  }
}
