import { retryBackoffMs, sleep } from './retry-backoff.js';

describe('retryBackoffMs', () => {
  it('doubles the wait per retry from backoffMs, capped at maxBackoffMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryBackoffMs(attempt, 100, 1000))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });
});

describe('sleep', () => {
  it('ends early, answering false, when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBe(false);
  });

  it('answers true after a full wait', async () => {
    await expect(sleep(1, new AbortController().signal)).resolves.toBe(true);
  });
});
