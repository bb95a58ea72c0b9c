import { KafkaStorageError } from './errors.js';

/**
 * The choke point for storage faults of one log. Every I/O error arrives here as a
 * KafkaStorageError naming the operation, file and values (see storage-io.ts); the first one
 * takes the log offline: `onOffline` runs once, and from then on `check()` throws a
 * KafkaStorageError whose cause is that first error. Nothing is retried: after a failed write or
 * fsync the state of the file is unknown, and guessing could serve or acknowledge lost data.
 */
export class StorageFaultHandler {
  private fault: KafkaStorageError | undefined;

  constructor(
    private readonly dir: string,
    private readonly onOffline: (error: KafkaStorageError) => void,
  ) {}

  get isOffline(): boolean {
    return this.fault !== undefined;
  }

  /** Throws if the log is offline. */
  check(): void {
    if (this.fault !== undefined) {
      throw new KafkaStorageError(
        `log ${this.dir} is offline after: ${this.fault.message}`,
        this.fault.path,
        {
          cause: this.fault,
        },
      );
    }
  }

  /** Runs `fn`; a storage error it throws takes the log offline and is rethrown. */
  run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw this.record(error);
    }
  }

  /** Takes the log offline if `error` is the first storage error; returns `error` for rethrowing. */
  record(error: unknown): unknown {
    if (error instanceof KafkaStorageError && this.fault === undefined) {
      this.fault = error;
      this.onOffline(error);
    }
    return error;
  }
}
