import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatCredential,
  parseCredential,
  type ScramCredential,
  type ScramMechanism,
} from './scram-credential.js';

/** The file of a single broker's SCRAM credentials, in its data directory. */
export const SCRAM_CREDENTIALS_FILE = 'scram-credentials.json';

/** Attempts at an alteration that keeps meeting another broker's before giving up. */
const WRITE_ATTEMPTS = 5;

/**
 * Where the credentials are kept, as one JSON text: `<data-dir>/scram-credentials.json` on a
 * single broker (DataDirScramDocument), one etcd key shared by a cluster (EtcdJsonDocument).
 */
export interface ScramDocument {
  /** Where the document is, for messages. */
  readonly name: string;
  /**
   * Replaces the document with `text`, durably. Rejects with ScramDocumentChanged when another
   * writer replaced it since it was last read, so the change can be made again on top of theirs.
   */
  write(text: string): void | Promise<void>;
  close?(): Promise<void>;
}

/** The document changed under a write (another broker altered credentials); `current` is its text now. */
export class ScramDocumentChanged extends Error {
  override readonly name = 'ScramDocumentChanged';

  constructor(readonly current: string | null) {
    super('the SCRAM credentials changed while they were being written');
  }
}

/** One user's alterations of one AlterUserScramCredentials request (or `add-scram-user`). */
export interface ScramAlteration {
  readonly user: string;
  readonly deletions: readonly ScramMechanism[];
  readonly upsertions: readonly { mechanism: ScramMechanism; credential: ScramCredential }[];
}

type Users = ReadonlyMap<string, ReadonlyMap<ScramMechanism, ScramCredential>>;

/**
 * The SCRAM credentials, held in memory and kept by a ScramDocument as
 * `{"formatVersion": 1, "users": {"alice": {"SCRAM-SHA-512": "salt=...,stored_key=...,server_key=...,iterations=4096"}}}`,
 * each value in Kafka's own text form (ScramCredentialUtils). An alteration is written whole
 * before it applies here, so the credentials used are always the ones stored; alterations are
 * made one at a time, and one that meets another broker's (ScramDocumentChanged) is made again
 * on top of it, so two at once both land.
 */
export class ScramCredentialStore {
  private users: Users;
  private altering: Promise<unknown> = Promise.resolve();

  /** The credentials of `document`, whose current text is `text` (null: none yet). */
  constructor(
    private readonly document: ScramDocument,
    text: string | null,
  ) {
    this.users = parseUsers(document.name, text);
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

  /**
   * Applies the alterations as one write; resolves once stored. A deletion of a credential that
   * is gone by then (another broker deleted it) deletes nothing.
   */
  alter(alterations: readonly ScramAlteration[]): Promise<void> {
    const run = async (): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        const next = applyAlterations(this.users, alterations);
        try {
          await this.document.write(formatUsers(next));
          this.users = next;
          return;
        } catch (err) {
          if (!(err instanceof ScramDocumentChanged) || attempt === WRITE_ATTEMPTS) throw err;
          this.replace(err.current);
        }
      }
    };
    const done = this.altering.then(run, run);
    this.altering = done.catch(() => undefined);
    return done;
  }

  /** Takes the document's text as another broker wrote it; throws, keeping the credentials, when invalid. */
  replace(text: string | null): void {
    this.users = parseUsers(this.document.name, text);
  }

  async close(): Promise<void> {
    await this.document.close?.();
  }
}

/**
 * `<data-dir>/scram-credentials.json`, rewritten whole through a temporary file (mode 0600) that
 * is fsynced and renamed, so a crash leaves the old file or the new one, never a torn one. The
 * data directory's lock keeps a second writer out (`add-scram-user` takes it too).
 */
export class DataDirScramDocument implements ScramDocument {
  private constructor(readonly name: string) {}

  /** The document of `dataDir` and its text (null when there is no file yet). */
  static open(dataDir: string): { document: DataDirScramDocument; text: string | null } {
    const document = new DataDirScramDocument(join(dataDir, SCRAM_CREDENTIALS_FILE));
    try {
      return { document, text: readFileSync(document.name, 'utf8') };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return { document, text: null };
    }
  }

  write(text: string): void {
    const temp = `${this.name}.tmp`;
    writeFileSync(temp, text, { mode: 0o600 });
    const fd = openSync(temp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.name);
  }
}

function applyAlterations(users: Users, alterations: readonly ScramAlteration[]): Users {
  const next = new Map([...users].map(([user, credentials]) => [user, new Map(credentials)]));
  for (const { user, deletions, upsertions } of alterations) {
    const credentials = next.get(user) ?? new Map<ScramMechanism, ScramCredential>();
    for (const mechanism of deletions) credentials.delete(mechanism);
    for (const { mechanism, credential } of upsertions) credentials.set(mechanism, credential);
    if (credentials.size === 0) next.delete(user);
    else next.set(user, credentials);
  }
  return next;
}

function formatUsers(users: Users): string {
  const stored = Object.fromEntries(
    [...users].map(([user, credentials]) => [
      user,
      Object.fromEntries([...credentials].map(([m, c]) => [m, formatCredential(c)])),
    ]),
  );
  return `${JSON.stringify({ formatVersion: 1, users: stored }, null, 2)}\n`;
}

function parseUsers(name: string, text: string | null): Users {
  const users = new Map<string, Map<ScramMechanism, ScramCredential>>();
  if (text === null) return users;
  let stored: { users?: Record<string, Record<string, string>> };
  try {
    stored = JSON.parse(text) as typeof stored;
  } catch (err) {
    throw new Error(`${name} is not valid JSON: ${(err as Error).message}`);
  }
  for (const [user, mechanisms] of Object.entries(stored.users ?? {})) {
    const credentials = new Map<ScramMechanism, ScramCredential>();
    for (const [mechanism, credential] of Object.entries(mechanisms)) {
      try {
        credentials.set(mechanism as ScramMechanism, parseCredential(credential));
      } catch (err) {
        throw new Error(`${name}: user ${user} ${mechanism}: ${(err as Error).message}`);
      }
    }
    users.set(user, credentials);
  }
  return users;
}
