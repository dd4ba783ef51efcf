/** Time as a value passed in, so tests and `--now` can fix it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export function systemClock(): Clock {
  return { now: () => Date.now() };
}

export function fixedClock(ms: number): Clock {
  return { now: () => ms };
}
