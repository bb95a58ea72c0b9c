import { readFileSync } from 'node:fs';
import { optionFlag } from '../../config/load-config.js';
import { BrokerStartupError } from '../../startup/startup-error.js';
import { PlainSaslServer } from './plain-sasl-server.js';
import type { SaslServer } from './sasl-server.js';
import { SaslSession } from './sasl-session.js';
import { isScramMechanism } from './scram-credential.js';
import { ScramCredentialStore } from './scram-credential-store.js';
import { ScramSaslServer } from './scram-sasl-server.js';

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
    try {
      this.scramCredentials = ScramCredentialStore.open(options.dataDir);
    } catch (cause) {
      throw new BrokerStartupError(
        `cannot read the SCRAM credentials in ${options.dataDir}: ${(cause as Error).message}`,
        'dataDir',
        { cause },
      );
    }
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
    throw usersFileError(
      `saslEnabledMechanisms includes PLAIN but no ${optionFlag('saslPlainUsersFile')} names its users`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw usersFileError(
      `cannot read the PLAIN users file ${path} (${optionFlag('saslPlainUsersFile')}): ${(err as Error).message}`,
    );
  }
  const users = (parsed as { users?: unknown }).users;
  if (typeof users !== 'object' || users === null || Array.isArray(users)) {
    throw usersFileError(`PLAIN users file ${path} must be {"users": {"<name>": "<password>"}}`);
  }
  const map = new Map<string, string>();
  for (const [name, password] of Object.entries(users)) {
    if (typeof password !== 'string') {
      throw usersFileError(`PLAIN users file ${path}: the password of ${name} is not a string`);
    }
    map.set(name, password);
  }
  return map;
}

/** The broker cannot start with this users file; the command line prints the message alone. */
function usersFileError(message: string): BrokerStartupError {
  return new BrokerStartupError(message, 'saslPlainUsersFile');
}
