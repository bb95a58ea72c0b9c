/** Wall-clock time in milliseconds since the epoch; injected so that tests decide what time it is. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
