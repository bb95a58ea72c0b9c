import { describeFault, type Fault, faultSchedule, seededRandom } from './fault-schedule.js';

const OPTIONS = { partitions: 3, sessionTimeoutMs: 2000 };

describe('the nemesis fault schedule', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(faultSchedule(7, 60_000, OPTIONS)).toEqual(faultSchedule(7, 60_000, OPTIONS));
    expect(faultSchedule(8, 60_000, OPTIONS)).not.toEqual(faultSchedule(7, 60_000, OPTIONS));
    expect([seededRandom(1)(), seededRandom(1)()]).toEqual([seededRandom(1)(), seededRandom(1)()]);
  });

  it('plans at least the duration asked, and stops soon after it', () => {
    const steps = faultSchedule(42, 60_000, OPTIONS);
    const planned = steps.map((s) => s.fault.holdMs + s.quietMs);
    const total = planned.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(60_000);
    expect(total - planned.at(-1)!).toBeLessThan(60_000);
  });

  it('kills and pauses leaders and the controller, pauses past and within the session, kills etcd, and sometimes strikes two brokers at once', () => {
    const steps = faultSchedule(1, 600_000, OPTIONS);
    const faults: Fault[] = steps.flatMap((s) => (s.also ? [s.fault, s.also.fault] : [s.fault]));
    const described = new Set(
      faults.map((f) =>
        describeFault(f)
          .replace(/ for \d+ ms$/, '')
          .replace(/p\d/, 'p?'),
      ),
    );
    expect(described).toEqual(
      new Set([
        'kill the leader of p?',
        'kill the controller',
        'kill a broker',
        'pause the leader of p?',
        'pause the controller',
        'pause a broker',
        'kill etcd',
      ]),
    );
    const pauses = faults.filter((f) => f.kind === 'pause').map((f) => f.holdMs);
    expect(pauses.some((ms) => ms > OPTIONS.sessionTimeoutMs)).toBe(true);
    expect(pauses.some((ms) => ms < OPTIONS.sessionTimeoutMs)).toBe(true);
    expect(steps.some((s) => s.also !== undefined)).toBe(true);
    // etcd's outage is combined with a broker's pause, never with a kill: a broker cannot restart without etcd.
    const withEtcd = steps.filter((s) => s.fault.kind === 'etcd' && s.also).map((s) => s.also!.fault.kind);
    expect(withEtcd.length).toBeGreaterThan(0);
    expect(new Set(withEtcd)).toEqual(new Set(['pause']));
    const leaders = faults.flatMap((f) =>
      f.kind !== 'etcd' && f.target.role === 'leader' ? [f.target.partition] : [],
    );
    expect(new Set(leaders)).toEqual(new Set([0, 1, 2]));
  });
});
