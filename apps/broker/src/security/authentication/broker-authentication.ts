import { readFileSync } from 'node:fs';
import { optionFlag } from '../../config/load-config.js';
import { BrokerStartupError } from '../../startup/startup-error.js';
import { openScramCredentials } from './open-scram-credentials.js';
import { PlainSaslServer } from './plain-sasl-server.js';
import type { SaslServer } from './sasl-server.js';
import { SaslSession } from './sasl-session.js';
import { isScramMechanism } from './scram-credential.js';
import type { ScramCredentialStore } from './scram-credential-store.js';
import { ScramSaslServer } from './scram-sasl-server.js';

export interface BrokerAuthenticationOptions {
  readonly dataDir: string;
  /** `--cluster`: with etcd endpoints, the SCRAM credentials are the cluster's, in etcd. */
  readonly cluster?: string | undefined;
  readonly clusterId: string;
  /** `sasl.enabled.mechanisms`, comma-separated. */
  readonly saslEnabledMechanisms: string;
  readonly saslPlainUsersFile?: string | undefined;
  readonly connectionsMaxReauthMs: number;
  readonly now?: () => number;
}

/**
 * The broker's SASL setup: the enabled mechanisms, PLAIN's users (read once at start from the
 * JSON users file) and the SCRAM credentials (`<data-dir>/scram-credentials.json`, or with
 * `--cluster` the cluster's in etcd; changed by AlterUserScramCredentials). Gives each connection
 * of a SASL listener its SaslSession.
 */
export class BrokerAuthentication {
  readonly mechanisms: readonly string[];
  private readonly plainUsers: ReadonlyMap<string, string>;

  private constructor(
    private readonly options: BrokerAuthenticationOptions,
    readonly scramCredentials: ScramCredentialStore,
  ) {
    this.mechanisms = options.saslEnabledMechanisms.split(',');
    this.plainUsers = this.mechanisms.includes('PLAIN')
      ? readPlainUsers(options.saslPlainUsersFile)
      : new Map();
  }

  /** Reads the PLAIN users and the SCRAM credentials; a BrokerStartupError when either cannot be read. */
  static async open(
    options: BrokerAuthenticationOptions,
    warn: (message: string) => void,
  ): Promise<BrokerAuthentication> {
    let credentials: ScramCredentialStore;
    try {
      credentials = await openScramCredentials(options, warn);
    } catch (cause) {
      const where = options.cluster ? `etcd (${options.cluster})` : options.dataDir;
      throw new BrokerStartupError(
        `cannot read the SCRAM credentials in ${where}: ${(cause as Error).message}`,
        options.cluster ? 'cluster' : 'dataDir',
        { cause },
      );
    }
    try {
      return new BrokerAuthentication(options, credentials);
    } catch (err) {
      await credentials.close();
      throw err;
    }
  }

  /** Stops watching the cluster's credentials (Nest calls it as the broker closes). */
  async onModuleDestroy(): Promise<void> {
    await this.scramCredentials.close();
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
