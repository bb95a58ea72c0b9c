import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatCredential,
  parseCredential,
  type ScramCredential,
  type ScramMechanism,
} from './scram-credential.js';

const FILE_NAME = 'scram-credentials.json';

/**
 * The SCRAM credentials of a single broker, in `<data-dir>/scram-credentials.json`:
 * `{"formatVersion": 1, "users": {"alice": {"SCRAM-SHA-512": "salt=...,stored_key=...,server_key=...,iterations=4096"}}}`,
 * each value in Kafka's own text form (ScramCredentialUtils). Rewritten whole through a temporary
 * file, fsynced and renamed, so a crash leaves the old file or the new one, never a torn one.
 * Not safe for two processes at once: the data directory's lock keeps a second broker out, and
 * `add-scram-user` runs before the broker starts, as Kafka's `kafka-storage format --add-scram`.
 */
export class ScramCredentialStore {
  private readonly users = new Map<string, Map<ScramMechanism, ScramCredential>>();
  private readonly path: string;

  private constructor(dataDir: string) {
    this.path = join(dataDir, FILE_NAME);
  }

  static open(dataDir: string): ScramCredentialStore {
    const store = new ScramCredentialStore(dataDir);
    let text: string;
    try {
      text = readFileSync(store.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw err;
    }
    const stored = JSON.parse(text) as { users?: Record<string, Record<string, string>> };
    for (const [user, mechanisms] of Object.entries(stored.users ?? {})) {
      const credentials = new Map<ScramMechanism, ScramCredential>();
      for (const [mechanism, credential] of Object.entries(mechanisms)) {
        try {
          credentials.set(mechanism as ScramMechanism, parseCredential(credential));
        } catch (err) {
          throw new Error(`${store.path}: user ${user} ${mechanism}: ${(err as Error).message}`);
        }
      }
      store.users.set(user, credentials);
    }
    return store;
  }

  credential(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(user)?.get(mechanism);
  }

  /** Every user with the mechanisms and iterations of its credentials (DescribeUserScramCredentials). */
  describe(): Map<string, { mechanism: ScramMechanism; iterations: number }[]> {
    const described = new Map<string, { mechanism: ScramMechanism; iterations: number }[]>();
    for (const [user, credentials] of this.users) {
      described.set(
        user,
        [...credentials].map(([mechanism, c]) => ({ mechanism, iterations: c.iterations })),
      );
    }
    return described;
  }

  upsert(user: string, mechanism: ScramMechanism, credential: ScramCredential): void {
    const credentials = this.users.get(user) ?? new Map<ScramMechanism, ScramCredential>();
    this.users.set(user, credentials);
    credentials.set(mechanism, credential);
    this.save();
  }

  /** Removes one mechanism's credential; false when the user had none for it. */
  delete(user: string, mechanism: ScramMechanism): boolean {
    const credentials = this.users.get(user);
    if (!credentials?.delete(mechanism)) return false;
    if (credentials.size === 0) this.users.delete(user);
    this.save();
    return true;
  }

  private save(): void {
    const users = Object.fromEntries(
      [...this.users].map(([user, credentials]) => [
        user,
        Object.fromEntries([...credentials].map(([m, c]) => [m, formatCredential(c)])),
      ]),
    );
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ formatVersion: 1, users }, null, 2)}\n`, { mode: 0o600 });
    const fd = openSync(temp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
  }
}
