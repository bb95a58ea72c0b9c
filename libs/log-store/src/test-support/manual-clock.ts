import type { Clock } from '../clock.js';

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private ms = 1_700_000_000_000) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }
}
