/** One sample of a group's total lag: when it was taken (ms since the epoch) and the lag then. */
export interface LagSample {
  readonly time: number;
  readonly lag: number;
}

/** How far back the charts go. */
export const LAG_HISTORY_MS = 10 * 60_000;

/**
 * Each group's total lag over the last `windowMs`, as the console sampled it. Samples are kept
 * in time order per group; a group missing from a round (deleted, or the round failed for it) keeps
 * its older samples until they age out, and a group whose samples have all aged out is forgotten.
 */
export class LagHistory {
  private readonly samples = new Map<string, LagSample[]>();

  constructor(private readonly windowMs = LAG_HISTORY_MS) {}

  record(time: number, lagByGroup: ReadonlyMap<string, number>): void {
    for (const [groupId, lag] of lagByGroup) {
      const series = this.samples.get(groupId);
      if (series === undefined) this.samples.set(groupId, [{ time, lag }]);
      else series.push({ time, lag });
    }
    const oldest = time - this.windowMs;
    for (const [groupId, series] of this.samples) {
      const keep = series.findIndex((s) => s.time >= oldest);
      if (keep === -1) this.samples.delete(groupId);
      else if (keep > 0) series.splice(0, keep);
    }
  }

  series(groupId: string): readonly LagSample[] {
    return this.samples.get(groupId) ?? [];
  }

  /**
   * Every group's samples on one time axis, as a chart of several series takes them: the times
   * of all samples in order, and per group its lag at each (null where it was not sampled).
   */
  table(): { times: number[]; series: { groupId: string; lags: (number | null)[] }[] } {
    const times = [
      ...new Set([...this.samples.values()].flatMap((series) => series.map((s) => s.time))),
    ].sort((a, b) => a - b);
    const series = this.groups().map((groupId) => {
      const at = new Map(this.series(groupId).map((s) => [s.time, s.lag]));
      return { groupId, lags: times.map((time) => at.get(time) ?? null) };
    });
    return { times, series };
  }

  groups(): string[] {
    return [...this.samples.keys()].sort((a, b) => a.localeCompare(b));
  }
}
