import type { StorageFaultHandler } from './storage-fault-handler.js';

/**
 * When a log's queued appends are written (see FileRecords): once per event-loop turn, at its
 * end (setImmediate), so the appends of one turn cost one writev. `whenWritten` lets a caller
 * wait for that write; a failed write rejects its waiters with the KafkaStorageError that took
 * the log offline.
 */
export class CoalescedWrites {
  /** Whether the write of this turn's appends is scheduled. */
  private scheduled = false;
  /** Settles when the scheduled write is done; made only when someone waits (`whenWritten`). */
  private written:
    | { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void }
    | undefined;

  constructor(
    private readonly faults: StorageFaultHandler,
    /** Writes what the active segment has queued (a read, flush or close may have already). */
    private readonly writePending: () => void,
  ) {}

  /** An append queued bytes: the write at the end of this turn is scheduled. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.writeTurn());
  }

  /** Resolves once every append made before the call is written (see PartitionLog.whenWritten). */
  whenWritten(): Promise<void> {
    try {
      this.faults.check();
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.scheduled) return Promise.resolve();
    if (this.written === undefined) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.written = { promise, resolve, reject };
    }
    return this.written.promise;
  }

  private writeTurn(): void {
    this.scheduled = false;
    const waiting = this.written;
    this.written = undefined;
    try {
      this.faults.check();
      this.faults.run(this.writePending);
      waiting?.resolve();
    } catch (error) {
      waiting?.reject(error);
    }
  }
}
