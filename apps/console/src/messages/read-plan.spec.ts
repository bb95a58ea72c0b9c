import { planReads } from './read-plan.js';

const ranges = [
  { partition: 0, earliest: 0n, latest: 100n },
  { partition: 1, earliest: 40n, latest: 45n },
  { partition: 2, earliest: 7n, latest: 7n },
];

describe('planReads', () => {
  it('latest reads the newest records before each high watermark, never below logStartOffset', () => {
    expect(planReads(ranges, 'latest', 10)).toEqual([
      { partition: 0, start: 90n, stop: 100n },
      { partition: 1, start: 40n, stop: 45n },
    ]);
  });

  it('earliest reads forward from logStartOffset', () => {
    expect(planReads(ranges, 'earliest', 3)).toEqual([
      { partition: 0, start: 0n, stop: 3n },
      { partition: 1, start: 40n, stop: 43n },
    ]);
  });

  it('an offset outside a partition is moved to its nearer end', () => {
    expect(planReads(ranges, 'offset', 10, { offset: 42n })).toEqual([
      { partition: 0, start: 42n, stop: 52n },
      { partition: 1, start: 42n, stop: 45n },
    ]);
    expect(planReads(ranges, 'offset', 10, { offset: 500n })).toEqual([]);
  });

  it('a timestamp starts each partition at the offset ListOffsets gave for it', () => {
    const starts = new Map([
      [0, 99n],
      [1, 45n],
    ]);
    expect(planReads(ranges, 'timestamp', 10, { starts })).toEqual([
      { partition: 0, start: 99n, stop: 100n },
    ]);
  });
});
