import type { MetricSeries } from "../domain/metrics.js";

/** min/max/last/avg of one series. */
export interface SeriesStats {
  labels: string;
  min: number;
  max: number;
  last: number;
  avg: number;
  points: number;
}

/** `{namespace="shop", pod="api-1"}` (`__name__` first, bare, when present). */
export function labelText(labels: Record<string, string>): string {
  const { __name__: name, ...rest } = labels;
  const pairs = Object.entries(rest)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return `${name ?? ""}{${pairs.join(", ")}}`;
}

/** Stats of a series; undefined when it has no points. */
export function seriesStats(series: MetricSeries): SeriesStats | undefined {
  if (series.points.length === 0) return undefined;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const [, value] of series.points) {
    min = Math.min(min, value);
    max = Math.max(max, value);
    sum += value;
  }
  const last = series.points[series.points.length - 1]?.[1] ?? Number.NaN;
  return {
    labels: labelText(series.labels),
    min,
    max,
    last,
    avg: sum / series.points.length,
    points: series.points.length,
  };
}

/** A number short enough for a Slack line or a model prompt: 3 significant digits, no exponent below 1e12. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e12) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e12 || (abs > 0 && abs < 1e-4)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

/** One line per series: `labels: min a, max b, avg c, last d (n points)`. */
export function summaryLines(series: MetricSeries[]): string[] {
  return series
    .map(seriesStats)
    .filter((s): s is SeriesStats => s !== undefined)
    .map(
      (s) =>
        `${s.labels}: min ${num(s.min)}, max ${num(s.max)}, avg ${num(s.avg)}, last ${num(s.last)} (${s.points} point${s.points === 1 ? "" : "s"})`,
    );
}
