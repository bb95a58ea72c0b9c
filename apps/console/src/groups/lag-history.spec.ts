import { LagHistory } from './lag-history.js';

describe('LagHistory', () => {
  it('keeps each group samples in time order within the window', () => {
    const history = new LagHistory(1_000);
    history.record(0, new Map([['billing', 10]]));
    history.record(
      500,
      new Map([
        ['billing', 4],
        ['audit', 7],
      ]),
    );
    history.record(1_200, new Map([['billing', 0]]));
    expect(history.series('billing')).toEqual([
      { time: 500, lag: 4 },
      { time: 1_200, lag: 0 },
    ]);
    expect(history.series('audit')).toEqual([{ time: 500, lag: 7 }]);
    expect(history.groups()).toEqual(['audit', 'billing']);
  });

  it('forgets a group once all its samples aged out', () => {
    const history = new LagHistory(1_000);
    history.record(0, new Map([['gone', 3]]));
    history.record(2_000, new Map([['billing', 1]]));
    expect(history.groups()).toEqual(['billing']);
    expect(history.series('gone')).toEqual([]);
  });

  it('lays every group on one time axis, null where a group was not sampled', () => {
    const history = new LagHistory(10_000);
    history.record(100, new Map([['billing', 5]]));
    history.record(
      200,
      new Map([
        ['billing', 3],
        ['audit', 9],
      ]),
    );
    expect(history.table()).toEqual({
      times: [100, 200],
      series: [
        { groupId: 'audit', lags: [null, 9] },
        { groupId: 'billing', lags: [5, 3] },
      ],
    });
  });
});
