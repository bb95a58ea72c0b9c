import { readFileSync } from 'node:fs';
import { PlainSaslServer } from './plain-sasl-server.js';
import type { SaslServer } from './sasl-server.js';
import { SaslSession } from './sasl-session.js';
import { isScramMechanism } from './scram-credential.js';
import { ScramCredentialStore } from './scram-credential-store.js';
import { ScramSaslServer } from './scram-sasl-server.js';

/** A users file or credential store that cannot be used; the message names the file and the problem. */
export class AuthenticationConfigError extends Error {
  override readonly name = 'AuthenticationConfigError';
}

export interface BrokerAuthenticationOptions {
  readonly dataDir: string;
  /** `sasl.enabled.mechanisms`, comma-separated. */
  readonly saslEnabledMechanisms: string;
  readonly saslPlainUsersFile?: string | undefined;
  readonly connectionsMaxReauthMs: number;
  readonly now?: () => number;
}

/**
 * The broker's SASL setup: the enabled mechanisms, PLAIN's users (read once at start from the
 * JSON users file) and the SCRAM credentials (`<data-dir>/scram-credentials.json`, changed by
 * AlterUserScramCredentials). Gives each connection of a SASL listener its SaslSession.
 */
export class BrokerAuthentication {
  readonly mechanisms: readonly string[];
  readonly scramCredentials: ScramCredentialStore;
  private readonly plainUsers: ReadonlyMap<string, string>;

  constructor(private readonly options: BrokerAuthenticationOptions) {
    this.mechanisms = options.saslEnabledMechanisms.split(',');
    this.scramCredentials = ScramCredentialStore.open(options.dataDir);
    this.plainUsers = this.mechanisms.includes('PLAIN')
      ? readPlainUsers(options.saslPlainUsersFile)
      : new Map();
  }

  /** The session of a new connection; `onFailure` logs its refused authentications. */
  newSession(onFailure: (user: string | undefined, reason: string) => void): SaslSession {
    return new SaslSession({
      onFailure,
      mechanisms: this.mechanisms,
      serverFor: (mechanism) => this.serverFor(mechanism),
      maxReauthMs: this.options.connectionsMaxReauthMs,
      now: this.options.now ?? Date.now,
    });
  }

  private serverFor(mechanism: string): SaslServer {
    if (mechanism === 'PLAIN') return new PlainSaslServer(this.plainUsers);
    if (isScramMechanism(mechanism)) {
      return new ScramSaslServer(mechanism, (user) => this.scramCredentials.credential(user, mechanism));
    }
    throw new Error(`no SASL server for mechanism ${mechanism}`);
  }
}

/** `{"users": {"alice": "alice-secret"}}`: PLAIN's users, as PlainLoginModule's `user_<name>` options. */
function readPlainUsers(path: string | undefined): Map<string, string> {
  if (!path) {
    throw new AuthenticationConfigError(
      'sasl.enabled.mechanisms includes PLAIN but no --sasl-plain-users-file (RUNNEL_SASL_PLAIN_USERS_FILE) names its users',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new AuthenticationConfigError(`cannot read PLAIN users file ${path}: ${(err as Error).message}`);
  }
  const users = (parsed as { users?: unknown }).users;
  if (typeof users !== 'object' || users === null || Array.isArray(users)) {
    throw new AuthenticationConfigError(
      `PLAIN users file ${path} must be {"users": {"<name>": "<password>"}}`,
    );
  }
  const map = new Map<string, string>();
  for (const [name, password] of Object.entries(users)) {
    if (typeof password !== 'string') {
      throw new AuthenticationConfigError(
        `PLAIN users file ${path}: the password of ${name} is not a string`,
      );
    }
    map.set(name, password);
  }
  return map;
}
