import { LogFlusher } from './log-flusher.js';
import { LogSegment } from './log-segment.js';
import { LogSegments } from './log-segments.js';
import { StorageFaultHandler } from './storage-fault-handler.js';
import { ManualClock } from './test-support/manual-clock.js';
import { tempDir } from './test-support/temp-dir.js';

describe('LogFlusher', () => {
  let dir: { path: string; remove: () => void };
  let segment: LogSegment;
  let end: bigint;
  let checkpoints: number;
  const clock = new ManualClock();

  const flusher = (config: { flushMessages: number; flushMs: number }) => {
    const flusherRef: { current?: LogFlusher } = {};
    const segments = new LogSegments(
      dir.path,
      [segment],
      () => flusherRef.current!.idle(),
      (error) => {
        throw error;
      },
    );
    flusherRef.current = new LogFlusher(
      {
        segments,
        config,
        clock,
        faults: new StorageFaultHandler(dir.path, () => undefined),
        endOffset: () => end,
        recoveryPointAdvanced: () => checkpoints++,
      },
      0n,
    );
    return flusherRef.current;
  };

  beforeEach(() => {
    dir = tempDir();
    segment = LogSegment.create(
      dir.path,
      0n,
      { indexIntervalBytes: 4096, segmentIndexBytes: 1 << 20, segmentMs: Number.POSITIVE_INFINITY },
      clock.now(),
    );
    end = 0n;
    checkpoints = 0;
  });

  afterEach(() => {
    segment.close();
    dir.remove();
  });

  it('flushMessagesStartsARoundOnceThatManyMessagesAreUnflushed', async () => {
    const f = flusher({ flushMessages: 3, flushMs: Number.POSITIVE_INFINITY });
    f.markUnflushed(segment);
    end = 2n;
    f.appended();
    await f.idle();
    expect(f.recoveryPoint).toBe(0n);
    end = 3n;
    f.appended();
    await f.idle();
    expect(f.recoveryPoint).toBe(3n);
    expect(checkpoints).toBe(1);
  });

  it('flushIfDueFlushesOnlyOnceFlushMsHasPassed', async () => {
    const f = flusher({ flushMessages: Number.POSITIVE_INFINITY, flushMs: 1000 });
    f.markUnflushed(segment);
    end = 5n;
    clock.advance(999);
    await f.flushIfDue();
    expect(f.recoveryPoint).toBe(0n);
    clock.advance(1);
    await f.flushIfDue();
    expect(f.recoveryPoint).toBe(5n);
    end = 6n;
    await f.flushIfDue();
    expect(f.recoveryPoint).toBe(5n);
  });

  it('flushMakesEverythingAppendedBeforeTheCallDurable', async () => {
    const f = flusher({ flushMessages: Number.POSITIVE_INFINITY, flushMs: Number.POSITIVE_INFINITY });
    end = 7n;
    const pending = f.flush();
    end = 9n;
    await pending;
    expect(f.recoveryPoint).toBe(7n);
    await f.flush();
    expect(f.recoveryPoint).toBe(9n);
  });
});
