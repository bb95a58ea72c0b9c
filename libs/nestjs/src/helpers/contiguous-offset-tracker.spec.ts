import { ContiguousOffsetTracker } from './contiguous-offset-tracker.js';

describe('ContiguousOffsetTracker', () => {
  it('moves the commit point only over records that all completed', () => {
    const tracker = new ContiguousOffsetTracker();
    for (const offset of [10n, 11n, 12n, 13n]) tracker.track(offset);
    expect(tracker.complete(12n)).toBeUndefined();
    expect(tracker.complete(11n)).toBeUndefined();
    expect(tracker.completedThrough).toBeUndefined();
    expect(tracker.complete(10n)).toBe(12n);
    expect(tracker.completedThrough).toBe(12n);
    expect(tracker.complete(13n)).toBe(13n);
  });

  it('never passes an unfinished record, whatever finishes after it', () => {
    const tracker = new ContiguousOffsetTracker();
    for (let offset = 0n; offset < 100n; offset++) tracker.track(offset);
    for (let offset = 99n; offset > 40n; offset--) expect(tracker.complete(offset)).toBeUndefined();
    for (let offset = 0n; offset < 40n; offset++) expect(tracker.complete(offset)).toBe(offset);
    expect(tracker.completedThrough).toBe(39n);
    expect(tracker.complete(40n)).toBe(99n);
  });

  it('handles gaps between offsets (compaction, transaction markers)', () => {
    const tracker = new ContiguousOffsetTracker();
    for (const offset of [3n, 7n, 20n]) tracker.track(offset);
    expect(tracker.complete(7n)).toBeUndefined();
    expect(tracker.complete(3n)).toBe(7n);
    expect(tracker.complete(20n)).toBe(20n);
  });

  it('ignores a completion of an offset already passed', () => {
    const tracker = new ContiguousOffsetTracker();
    tracker.track(1n);
    tracker.track(2n);
    expect(tracker.complete(1n)).toBe(1n);
    expect(tracker.complete(1n)).toBeUndefined();
    expect(tracker.complete(2n)).toBe(2n);
  });

  it('stays correct across a long run in random completion order', () => {
    const tracker = new ContiguousOffsetTracker();
    const count = 5000;
    for (let i = 0; i < count; i++) tracker.track(BigInt(i));
    const order = Array.from({ length: count }, (_, i) => i);
    let seed = 42;
    for (let i = count - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const j = seed % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const done = new Set<number>();
    for (const i of order) {
      done.add(i);
      tracker.complete(BigInt(i));
      let lowestUnfinished = 0;
      while (done.has(lowestUnfinished)) lowestUnfinished++;
      const expected = lowestUnfinished === 0 ? undefined : BigInt(lowestUnfinished - 1);
      if (i % 97 === 0 || done.size === count) expect(tracker.completedThrough).toBe(expected);
    }
    expect(tracker.completedThrough).toBe(BigInt(count - 1));
  });

  it('refuses offsets tracked out of order', () => {
    const tracker = new ContiguousOffsetTracker();
    tracker.track(5n);
    expect(() => tracker.track(5n)).toThrow(
      'offset 5 tracked after 5: offsets must be tracked in increasing order',
    );
  });
});
