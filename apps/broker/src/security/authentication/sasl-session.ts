import { ANONYMOUS_PRINCIPAL } from '../../handlers/api-handler.js';
import { SaslAuthenticationError, type SaslServer } from './sasl-server.js';

/** APIs a SASL listener serves before authentication (Kafka's SaslServerAuthenticator). */
const API_VERSIONS_KEY = 18;
const SASL_HANDSHAKE_KEY = 17;
const SASL_AUTHENTICATE_KEY = 36;

/** What the broker's SASL setup gives every session on a SASL listener. */
export interface SaslSessionOptions {
  /** `sasl.enabled.mechanisms`, in the order SaslHandshake lists them. */
  readonly mechanisms: readonly string[];
  /** A fresh server for one exchange of an enabled mechanism. */
  readonly serverFor: (mechanism: string) => SaslServer;
  /** `connections.max.reauth.ms`; 0: sessions never expire. */
  readonly maxReauthMs: number;
  readonly now: () => number;
  /** Told of every refused authentication: the user tried (never the password) and why. */
  readonly onFailure: (user: string | undefined, reason: string) => void;
}

/** The outcome of one SASL token. */
export type TokenOutcome =
  | { readonly kind: 'challenge'; readonly challenge: Buffer; readonly sessionLifetimeMs: number }
  | { readonly kind: 'failed'; readonly message: string; readonly user: string | undefined };

/**
 * One connection's SASL state (KIP-43, KIP-152, KIP-368), as a pure state machine driven by the
 * SaslHandshake and SaslAuthenticate handlers and consulted by the network layer before each
 * request:
 *
 *   awaiting-handshake --SaslHandshake(enabled mechanism)--> authenticating --last token ok--> authenticated
 *   authenticated --SaslHandshake--> authenticating (re-authentication, same principal required)
 *   any failure --> failed (the connection closes once the error response is out)
 *
 * Before the first authentication only ApiVersions, SaslHandshake and SaslAuthenticate are served;
 * after SaslHandshake v0 the tokens come as bare frames (`expectsRawTokens`). Once
 * `connections.max.reauth.ms` has passed since an authentication, any request other than those
 * three closes the connection, as Kafka's expired-session check does; until then, requests are
 * served as the authenticated principal during a re-authentication too.
 */
export class SaslSession {
  private state: 'awaiting-handshake' | 'authenticating' | 'authenticated' | 'failed' = 'awaiting-handshake';
  private server: SaslServer | undefined;
  private rawTokens = false;
  private authenticatedUser: string | undefined;
  private expiresAt = Number.POSITIVE_INFINITY;

  constructor(private readonly options: SaslSessionOptions) {}

  /** `User:<name>` once authenticated; `User:ANONYMOUS` before. Unchanged during re-authentication. */
  get principal(): string {
    return this.authenticatedUser === undefined ? ANONYMOUS_PRINCIPAL : `User:${this.authenticatedUser}`;
  }

  get mechanisms(): readonly string[] {
    return this.options.mechanisms;
  }

  /** True after SaslHandshake v0: the next frames are bare SASL tokens, not Kafka requests. */
  get expectsRawTokens(): boolean {
    return this.state === 'authenticating' && this.rawTokens;
  }

  /** Why a request of `apiKey` must close the connection instead of being served, or null to serve it. */
  refusal(apiKey: number): string | null {
    if (apiKey === API_VERSIONS_KEY || apiKey === SASL_HANDSHAKE_KEY || apiKey === SASL_AUTHENTICATE_KEY)
      return null;
    // During a re-authentication the session authenticated before still holds until it expires,
    // so a client that pipelines requests beside its re-authentication is served meanwhile.
    const reauthenticating = this.state === 'authenticating' && this.authenticatedUser !== undefined;
    if (this.state === 'authenticated' || reauthenticating) {
      if (this.options.now() < this.expiresAt) return null;
      return 'SASL session expired (connections.max.reauth.ms) without re-authentication';
    }
    return `request of API key ${apiKey} before SASL authentication completed`;
  }

  /**
   * SaslHandshake: starts an exchange of `mechanism` when it is enabled and no exchange is under
   * way; otherwise says why not (the handler answers UNSUPPORTED_SASL_MECHANISM or ILLEGAL_SASL_STATE).
   */
  handshake(mechanism: string, version: number): 'ok' | 'unsupported-mechanism' | 'illegal-state' {
    if (this.state === 'authenticating' || this.state === 'failed') return 'illegal-state';
    if (!this.options.mechanisms.includes(mechanism)) return 'unsupported-mechanism';
    // Re-authentication must use SaslAuthenticate (KIP-368 needs v1 handshakes).
    if (this.state === 'authenticated' && version < 1) return 'illegal-state';
    this.server = this.options.serverFor(mechanism);
    this.rawTokens = version === 0;
    this.state = 'authenticating';
    return 'ok';
  }

  /** Whether a SaslAuthenticate request is expected now (after a v1 SaslHandshake). */
  get awaitsAuthenticate(): boolean {
    return this.state === 'authenticating' && !this.rawTokens;
  }

  /** One client token of the exchange started by `handshake`. */
  authenticate(token: Buffer): TokenOutcome {
    const server = this.server;
    if (this.state !== 'authenticating' || !server)
      return this.fail('SaslAuthenticate before a SaslHandshake', undefined);
    let result: { challenge: Buffer; user?: string };
    try {
      result = server.evaluate(token);
    } catch (err) {
      if (!(err instanceof SaslAuthenticationError)) throw err;
      return this.fail(err.message, err.user);
    }
    if (result.user === undefined)
      return { kind: 'challenge', challenge: result.challenge, sessionLifetimeMs: 0 };
    if (this.authenticatedUser !== undefined && this.authenticatedUser !== result.user) {
      return this.fail(
        `re-authentication as ${result.user} on a connection of ${this.principal}`,
        result.user,
      );
    }
    this.authenticatedUser = result.user;
    this.state = 'authenticated';
    this.server = undefined;
    const { maxReauthMs, now } = this.options;
    this.expiresAt = maxReauthMs > 0 ? now() + maxReauthMs : Number.POSITIVE_INFINITY;
    return { kind: 'challenge', challenge: result.challenge, sessionLifetimeMs: maxReauthMs };
  }

  private fail(message: string, user: string | undefined): TokenOutcome {
    this.state = 'failed';
    this.options.onFailure(user, message);
    return { kind: 'failed', message, user };
  }
}
