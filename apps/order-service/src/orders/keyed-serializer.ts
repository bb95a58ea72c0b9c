/**
 * Runs tasks one at a time per key and concurrently across keys. order-service runs each order's
 * decide -> write -> apply under its order id, so two requests for one order never decide from
 * the same state (two pays of one order would otherwise both pass the check and share a `seq`).
 * A task that fails does not stop the ones queued after it. A key is forgotten once its queue is empty.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task queued or running. */
  get size(): number {
    return this.tails.size;
  }
}
