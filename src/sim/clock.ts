/**
 * The simulated clock. In tests and the demo, time only moves when advanced, so scenarios are
 * reproducible and nothing ever sleeps; `k8s-triage sim` served standalone drives it with wall
 * time (`driveClock`) unless told `--clock frozen`.
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

/** How a served cluster's time passes: frozen (moved only by `/sim/advance`), or with wall time × factor. */
export type ClockMode = { kind: "frozen" } | { kind: "realtime"; factor: number };

/** Parses `--clock`: `realtime` (= x1), `frozen`, or `xN` / `Nx` (N > 0, e.g. x10 or 0.5x). */
export function parseClockMode(text: string): ClockMode | undefined {
  if (text === "frozen") return { kind: "frozen" };
  if (text === "realtime") return { kind: "realtime", factor: 1 };
  const match = /^(?:x(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)x)$/.exec(text);
  const factor = Number(match?.[1] ?? match?.[2]);
  return match && factor > 0 && Number.isFinite(factor) ? { kind: "realtime", factor } : undefined;
}

/**
 * Moves a clock with wall time (× `factor`), one advance per tick, so a cluster served on its own
 * behaves like a real one: an approved fix heals the pods a few seconds later, back-offs grow.
 * Returns the stop function. The tick measures elapsed wall time, so a slow reconcile causes no drift.
 */
export function driveClock(
  clock: { advance(ms: number): void },
  factor: number,
  tickMs = 1000,
  wallMs: () => number = () => performance.now(),
): () => void {
  let last = wallMs();
  const timer = setInterval(() => {
    const now = wallMs();
    const elapsed = now - last;
    last = now;
    if (elapsed > 0) clock.advance(elapsed * factor);
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
