import { KeyedSerializer } from './keyed-serializer.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('KeyedSerializer', () => {
  it('runs the tasks of one key in order, each after the previous one finished', async () => {
    const serializer = new KeyedSerializer();
    const gate = deferred();
    const trace: string[] = [];
    const first = serializer.run('o1', async () => {
      trace.push('first started');
      await gate.promise;
      trace.push('first done');
    });
    const second = serializer.run('o1', async () => {
      trace.push('second started');
    });
    await Promise.resolve();
    expect(trace).toEqual(['first started']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(trace).toEqual(['first started', 'first done', 'second started']);
  });

  it('runs tasks of different keys at the same time', async () => {
    const serializer = new KeyedSerializer();
    const gate = deferred();
    const held = serializer.run('o1', () => gate.promise);
    await expect(serializer.run('o2', async () => 'o2 ran')).resolves.toBe('o2 ran');
    gate.resolve();
    await held;
  });

  it('goes on after a task fails and forgets a key whose queue is empty', async () => {
    const serializer = new KeyedSerializer();
    const failed = serializer.run('o1', async () => {
      throw new Error('broker down');
    });
    const next = serializer.run('o1', async () => 'next ran');
    await expect(failed).rejects.toThrow('broker down');
    await expect(next).resolves.toBe('next ran');
    await new Promise((r) => setImmediate(r));
    expect(serializer.size).toBe(0);
  });
});
