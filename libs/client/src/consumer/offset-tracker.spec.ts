import { OffsetTracker } from './offset-tracker.js';

describe('OffsetTracker', () => {
  it('has nothing to commit until a handler finishes a record', () => {
    const tracker = new OffsetTracker(10n, 10n);
    tracker.handOut(20n);
    expect(tracker.committable()).toBeUndefined();
    expect(tracker.position).toBe(10n);
  });

  it('commits the offset after the last finished record, not the end of what was handed out', () => {
    const tracker = new OffsetTracker(0n);
    const epoch = tracker.handOut(100n);
    expect(tracker.finishThrough(41n, epoch)).toBe(true);
    expect(tracker.committable()).toBe(42n);
  });

  it('never moves backwards: an earlier resolveOffset after a later one changes nothing', () => {
    const tracker = new OffsetTracker(0n);
    const epoch = tracker.handOut(100n);
    tracker.finishThrough(50n, epoch);
    expect(tracker.finishThrough(20n, epoch)).toBe(false);
    expect(tracker.position).toBe(51n);
  });

  it('never goes past what was handed out, even when told an offset beyond it', () => {
    const tracker = new OffsetTracker(0n);
    const epoch = tracker.handOut(10n);
    tracker.finishThrough(1_000n, epoch);
    expect(tracker.position).toBe(10n);
  });

  it('covers gaps: a batch after compacted offsets finishes at one past its last record', () => {
    const tracker = new OffsetTracker(5n);
    const epoch = tracker.handOut(30n); // records 20..29; 5..19 were compacted away
    tracker.finishThrough(29n, epoch);
    expect(tracker.committable()).toBe(30n);
  });

  it('offers a commit only for progress since the last successful commit', () => {
    const tracker = new OffsetTracker(0n, -1n);
    const epoch = tracker.handOut(10n);
    tracker.finishThrough(4n, epoch);
    expect(tracker.committable()).toBe(5n);
    tracker.committed(5n);
    expect(tracker.committable()).toBeUndefined();
    tracker.finishThrough(9n, epoch);
    expect(tracker.committable()).toBe(10n);
  });

  it('keeps offering the newer position when a commit of an older one completes late', () => {
    const tracker = new OffsetTracker(0n);
    const epoch = tracker.handOut(10n);
    tracker.finishThrough(4n, epoch);
    const sent = tracker.committable()!;
    tracker.finishThrough(8n, epoch);
    tracker.committed(sent);
    expect(tracker.committable()).toBe(9n);
  });

  it('after a seek, ignores batches handed out before it', () => {
    const tracker = new OffsetTracker(100n);
    const stale = tracker.handOut(200n);
    tracker.reset(10n);
    const fresh = tracker.handOut(50n);
    expect(tracker.finishThrough(150n, stale)).toBe(false);
    expect(tracker.position).toBe(10n);
    expect(tracker.finishThrough(19n, fresh)).toBe(true);
    expect(tracker.position).toBe(20n);
  });

  it('offers the seek position for commit when it differs from the committed offset', () => {
    const tracker = new OffsetTracker(100n, 100n);
    tracker.reset(10n);
    expect(tracker.committable()).toBe(10n);
  });
});
