import { KeyOrderedQueue } from './key-ordered-queue.js';

/** A task the test finishes by hand, recording when it started. */
function heldTask(log: string[], name: string) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const task = () =>
    new Promise<void>((resolve, reject) => {
      log.push(`start ${name}`);
      finish = () => {
        log.push(`end ${name}`);
        resolve();
      };
      fail = reject;
    });
  return { task, finish: () => finish(), fail: (error: Error) => fail(error) };
}

/** Lets promise callbacks queued so far run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('KeyOrderedQueue', () => {
  it('runs tasks of one key strictly one after another, in push order', async () => {
    const log: string[] = [];
    const queue = new KeyOrderedQueue(10, () => undefined);
    const tasks = ['a1', 'a2', 'a3'].map((name) => heldTask(log, name));
    for (const t of tasks) queue.push('a', t.task);
    await settle();
    expect(log).toEqual(['start a1']);
    tasks[0]!.finish();
    await settle();
    expect(log).toEqual(['start a1', 'end a1', 'start a2']);
    tasks[1]!.finish();
    await settle();
    tasks[2]!.finish();
    await queue.idle();
    expect(log).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
  });

  it('runs tasks of different keys, and keyless tasks, side by side', async () => {
    const log: string[] = [];
    const queue = new KeyOrderedQueue(10, () => undefined);
    const a = heldTask(log, 'a');
    const b = heldTask(log, 'b');
    const n1 = heldTask(log, 'n1');
    const n2 = heldTask(log, 'n2');
    queue.push('a', a.task);
    queue.push('b', b.task);
    queue.push(null, n1.task);
    queue.push(null, n2.task);
    await settle();
    expect(log).toEqual(['start a', 'start b', 'start n1', 'start n2']);
    expect(queue.active).toBe(4);
    for (const t of [n2, b, a, n1]) t.finish();
    await queue.idle();
    expect(queue.size).toBe(0);
  });

  it('never runs more than maxConcurrency tasks, and gives waiting keys their turn in order', async () => {
    const log: string[] = [];
    const queue = new KeyOrderedQueue(2, () => undefined);
    const tasks = ['a', 'b', 'c', 'd'].map((key) => ({ key, ...heldTask(log, key) }));
    for (const t of tasks) queue.push(t.key, t.task);
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    tasks[1]!.finish();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    expect(queue.active).toBe(2);
    tasks[0]!.finish();
    await settle();
    expect(log.at(-1)).toBe('start d');
    tasks[2]!.finish();
    tasks[3]!.finish();
    await queue.idle();
  });

  it('reports a failing task and goes on with the next task of its key', async () => {
    const errors: unknown[] = [];
    const log: string[] = [];
    const queue = new KeyOrderedQueue(1, (error) => errors.push(error));
    const first = heldTask(log, 'a1');
    const second = heldTask(log, 'a2');
    queue.push('a', first.task);
    queue.push('a', second.task);
    await settle();
    first.fail(new Error('poison'));
    await settle();
    expect(errors).toEqual([new Error('poison')]);
    expect(log).toEqual(['start a1', 'start a2']);
    second.finish();
    await queue.idle();
  });

  it('keeps per-key order and overlaps keys under random delays', async () => {
    const queue = new KeyOrderedQueue(8, () => undefined);
    const started: Record<string, number[]> = {};
    let running = 0;
    let maxRunning = 0;
    for (let i = 0; i < 400; i++) {
      const key = `k${i % 13}`;
      queue.push(key, async () => {
        started[key] = [...(started[key] ?? []), i];
        running++;
        maxRunning = Math.max(maxRunning, running);
        for (let spin = (i * 7919) % 5; spin > 0; spin--) await settle();
        running--;
      });
    }
    await queue.idle();
    for (const [key, order] of Object.entries(started)) {
      expect(order).toEqual([...order].sort((x, y) => x - y));
      expect(order).toHaveLength(Number(key.slice(1)) < 400 % 13 ? 31 : 30);
    }
    expect(maxRunning).toBe(8);
  });

  it('refuses a maxConcurrency below 1, naming it', () => {
    expect(() => new KeyOrderedQueue(0, () => undefined)).toThrow(
      'maxConcurrency: 0 must be an integer of at least 1',
    );
  });
});
