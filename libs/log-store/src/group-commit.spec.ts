import { GroupCommit } from './group-commit.js';

/** A log end offset the test moves, and flush rounds the test completes one by one. */
function harness() {
  const state = { end: 0n, durable: 0n, rounds: [] as { target: bigint; finish: (error?: Error) => void }[] };
  const started: (() => void)[] = [];
  /** Resolves when the n-th round (1-based) has started. */
  const roundStarted = (n: number) =>
    state.rounds.length >= n ? Promise.resolve() : new Promise<void>((resolve) => started.push(resolve));
  const commits = new GroupCommit(
    () => state.end,
    () => state.durable,
    (target) =>
      new Promise<void>((resolve, reject) => {
        state.rounds.push({
          target,
          finish: (error) => {
            if (error !== undefined) return reject(error);
            state.durable = target;
            resolve();
          },
        });
        for (const notify of started.splice(0)) notify();
      }),
  );
  return { state, commits, roundStarted };
}

describe('GroupCommit', () => {
  it('resolvesAtOnceWhenEverythingIsDurable', async () => {
    const { state, commits } = harness();
    await commits.request();
    expect(state.rounds).toEqual([]);
  });

  it('callersArrivingDuringARoundShareTheNextOne', async () => {
    const { state, commits, roundStarted } = harness();
    state.end = 5n;
    const first = commits.request();
    state.end = 8n;
    const waiting = Array.from({ length: 10 }, () => commits.request());
    state.end = 9n;
    waiting.push(commits.request());
    expect(state.rounds.map((r) => r.target)).toEqual([5n]);
    state.rounds[0]!.finish();
    await first;
    await roundStarted(2);
    expect(state.rounds.map((r) => r.target)).toEqual([5n, 9n]);
    state.rounds[1]!.finish();
    await Promise.all(waiting);
    expect(state.durable).toBe(9n);
    await commits.idle();
  });

  it('callersCoveredByTheRunningRoundWaitForItOnly', async () => {
    const { state, commits } = harness();
    state.end = 5n;
    const first = commits.request();
    const same = commits.request();
    expect(state.rounds.length).toBe(1);
    state.rounds[0]!.finish();
    await Promise.all([first, same]);
    expect(state.rounds.length).toBe(1);
  });

  it('aFailedRoundRejectsItsCallersAndTheNextRoundStillRuns', async () => {
    const { state, commits, roundStarted } = harness();
    state.end = 1n;
    const first = commits.request();
    state.end = 2n;
    const second = commits.request();
    state.rounds[0]!.finish(new Error('EIO'));
    await expect(first).rejects.toThrow('EIO');
    await roundStarted(2);
    state.rounds[1]!.finish();
    await expect(second).resolves.toBeUndefined();
  });
});
