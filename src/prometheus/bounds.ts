/**
 * The hard bounds of every PromQL query the bot sends, whoever asks (a check, the alert
 * re-evaluation, or the model through the `prometheus_query` tool). Pure.
 */

/** Limits of one query. Configured values are clamped to {@link HARD_LIMITS}; nothing can exceed those. */
export interface QueryLimits {
  /** Longest time range of a range query, in seconds. */
  maxRangeSeconds: number;
  /** Most points per series of a range query (the step is raised to keep under it). */
  maxPointsPerSeries: number;
  /** Most series kept from one answer (the rest are dropped and the drop is said). */
  maxSeries: number;
  /** Most response bytes read; the answer is aborted past it. */
  maxResponseBytes: number;
  /** Per-query timeout in seconds (sent as `timeout` and enforced by a client abort). */
  timeoutSeconds: number;
}

/** The ceiling: 6 h, 500 points, 50 series, 2 MiB, 30 s. */
export const HARD_LIMITS: Readonly<QueryLimits> = Object.freeze({
  maxRangeSeconds: 6 * 3600,
  maxPointsPerSeries: 500,
  maxSeries: 50,
  maxResponseBytes: 2 * 1024 * 1024,
  timeoutSeconds: 30,
});

/** Defaults: the ceiling, with a 10 s timeout so a slow Prometheus cannot hold an investigation. */
export const DEFAULT_LIMITS: Readonly<QueryLimits> = Object.freeze({ ...HARD_LIMITS, timeoutSeconds: 10 });

/** Limits with every field clamped to [1, hard limit]; unset fields take the defaults. */
export function effectiveLimits(requested: Partial<QueryLimits> = {}): QueryLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(HARD_LIMITS) as (keyof QueryLimits)[]) {
    const value = requested[key];
    if (value === undefined || !Number.isFinite(value)) continue;
    out[key] = Math.min(Math.max(value, key === "timeoutSeconds" ? 0.1 : 1), HARD_LIMITS[key]);
  }
  return out;
}

/** A range query as asked: seconds since the epoch, step in seconds. */
export interface RangeRequest {
  start: number;
  end: number;
  step: number;
}

/** A range query as it will be sent, and what was changed to keep it in bounds. */
export interface BoundedRange extends RangeRequest {
  notes: string[];
}

/**
 * Keeps a range query inside the limits: an end in the future becomes now, a range longer than
 * `maxRangeSeconds` keeps its end and loses its start, and a step giving more than
 * `maxPointsPerSeries` points is raised (whole seconds).
 */
export function boundRange(request: RangeRequest, limits: QueryLimits, nowSeconds: number): BoundedRange {
  const notes: string[] = [];
  let end = Number.isFinite(request.end) ? request.end : nowSeconds;
  if (end > nowSeconds) end = nowSeconds;
  let start = Number.isFinite(request.start) ? request.start : end - 3600;
  if (start >= end) start = end - 60;
  if (end - start > limits.maxRangeSeconds) {
    notes.push(
      `range clamped from ${durationText(end - start)} to ${durationText(limits.maxRangeSeconds)} (the bound)`,
    );
    start = end - limits.maxRangeSeconds;
  }
  const minStep = Math.max(1, Math.ceil((end - start) / (limits.maxPointsPerSeries - 1)));
  let step = Number.isFinite(request.step) && request.step > 0 ? request.step : minStep;
  if (step < minStep) {
    notes.push(
      `step raised from ${durationText(step)} to ${durationText(minStep)} (at most ${limits.maxPointsPerSeries} points per series)`,
    );
    step = minStep;
  }
  return { start, end, step, notes };
}

/** Points a range query returns per series at most. */
export function pointsPerSeries(range: RangeRequest): number {
  return Math.floor((range.end - range.start) / range.step) + 1;
}

/** Keeps the first `maxSeries` items and says how many were dropped. */
export function truncateSeries<T>(items: T[], maxSeries: number): { kept: T[]; note?: string } {
  if (items.length <= maxSeries) return { kept: items };
  return {
    kept: items.slice(0, maxSeries),
    note: `truncated to ${maxSeries} of ${items.length} series (the bound)`,
  };
}

/** "6h", "30d", "90s", "1h30m". */
export function durationText(seconds: number): string {
  const s = Math.round(seconds);
  if (s % 86400 === 0 && s >= 86400) return `${s / 86400}d`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts = [h ? `${h}h` : "", m ? `${m}m` : "", rest || (!h && !m) ? `${rest}s` : ""];
  return parts.join("");
}

/** Parses a Prometheus-style duration ("90s", "1h30m", "30d") or plain seconds; undefined when bad. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const re = /(\d+)(ms|s|m|h|d|w|y)/g;
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(re)) {
    total += Number(match[1]) * (units[match[2] as string] ?? 0);
    consumed += match[0].length;
  }
  return consumed === trimmed.length && consumed > 0 ? total : undefined;
}
