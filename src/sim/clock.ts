/**
 * The simulated clock. Time only moves when a test or operator advances it, so scenarios are
 * reproducible and nothing ever sleeps.
 */

/** The default start when a state file names no time and holds no timestamps. */
export const DEFAULT_SIM_TIME = "2026-01-15T09:00:00Z";

/** RFC 3339 at second precision, as the API server writes timestamps. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** A clock that only moves forward when told. */
export class SimClock {
  #ms: number;
  readonly #onAdvance: () => void;

  /** `onAdvance` runs after every advance (the server reconciles the model there). */
  constructor(start: string, onAdvance: () => void = () => {}) {
    const ms = Date.parse(start);
    if (Number.isNaN(ms)) throw new RangeError(`not an RFC 3339 time: ${start}`);
    this.#ms = ms;
    this.#onAdvance = onAdvance;
  }

  /** Current simulated time, RFC 3339 (second precision). */
  now(): string {
    return rfc3339(this.#ms);
  }

  /** Current simulated time in epoch milliseconds. */
  nowMs(): number {
    return this.#ms;
  }

  /** Moves time forward by `ms` (>= 0) and reconciles. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms`);
    this.#ms += ms;
    this.#onAdvance();
  }
}
