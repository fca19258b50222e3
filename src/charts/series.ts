import type { MetricSeries } from "../domain/metrics.js";

/** Line colours (Tableau 10 without its red, which only the threshold line uses). */
export const SERIES_COLORS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#7f7f7f",
] as const;

/** The threshold / limit line's colour: red, and never a series colour. */
export const THRESHOLD_COLOR = "#d62728";

/** A series chosen for drawing, with its legend text and colour. */
export interface DrawnSeries {
  label: string;
  color: string;
  points: Array<[number, number]>;
}

/** What is drawn, and how many series were left out. */
export interface SeriesSelection {
  drawn: DrawnSeries[];
  omitted: number;
}

/** Labels that say nothing to a reader of a per-incident chart. */
const NOISE_LABELS = new Set(["__name__", "job", "instance", "endpoint", "service", "prometheus", "id"]);

/** Finite samples only, oldest first: Prometheus answers NaN and ±Inf as values. */
function cleanPoints(points: Array<[number, number]>): Array<[number, number]> {
  return points
    .filter(([at, value]) => Number.isFinite(at) && Number.isFinite(value))
    .sort((a, b) => a[0] - b[0]);
}

/**
 * Legend text for each series: only the labels whose values differ between the series (the rest
 * is the same for every line and belongs in the title), `k=v` joined, cut to `maxChars`.
 */
export function legendLabels(series: MetricSeries[], maxChars = 48): string[] {
  const keys = new Set(series.flatMap((one) => Object.keys(one.labels)));
  const varying = [...keys].filter(
    (key) => new Set(series.map((one) => one.labels[key] ?? "")).size > 1 && !NOISE_LABELS.has(key),
  );
  const shown = varying.length > 0 ? varying : [...keys].filter((key) => !NOISE_LABELS.has(key));
  return series.map((one, index) => {
    const text = shown
      .filter((key) => one.labels[key] !== undefined)
      .map((key) => `${key}=${one.labels[key]}`)
      .join(", ");
    const label = text || one.labels.__name__ || `series ${index + 1}`;
    return label.length > maxChars ? `${label.slice(0, maxChars - 1)}…` : label;
  });
}

/**
 * Picks at most `max` series to draw: the ones with the highest peak (what an alert is about),
 * keeping the caller's order among them. Series with no finite sample are dropped, not counted.
 */
export function selectSeries(series: MetricSeries[], max: number): SeriesSelection {
  const cleaned = series
    .map((one) => ({ one, points: cleanPoints(one.points) }))
    .filter((entry) => entry.points.length > 0);
  const peak = (points: Array<[number, number]>) => Math.max(...points.map(([, value]) => value));
  const keep = new Set(
    cleaned
      .map((entry, index) => ({ index, peak: peak(entry.points) }))
      .sort((a, b) => b.peak - a.peak || a.index - b.index)
      .slice(0, Math.max(1, max))
      .map((entry) => entry.index),
  );
  const chosen = cleaned.filter((_, index) => keep.has(index));
  // One line has the whole legend row to itself; several share it.
  const labels = legendLabels(
    chosen.map((entry) => entry.one),
    chosen.length === 1 ? 110 : 48,
  );
  return {
    drawn: chosen.map((entry, index) => ({
      label: labels[index] ?? `series ${index + 1}`,
      color: SERIES_COLORS[index % SERIES_COLORS.length] ?? "#1f77b4",
      points: entry.points,
    })),
    omitted: cleaned.length - chosen.length,
  };
}

/**
 * Splits a series into runs where no gap is much longer than its usual step, so a scrape outage
 * shows as a break in the line rather than a straight line drawn across it.
 */
export function splitAtGaps(points: Array<[number, number]>): Array<Array<[number, number]>> {
  if (points.length < 3) return [points];
  const steps = points
    .slice(1)
    .map((point, index) => point[0] - (points[index]?.[0] ?? point[0]))
    .sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)] ?? 0;
  const runs: Array<Array<[number, number]>> = [[]];
  for (const [index, point] of points.entries()) {
    const previous = points[index - 1];
    if (previous && median > 0 && point[0] - previous[0] > median * 3) runs.push([]);
    runs[runs.length - 1]?.push(point);
  }
  return runs;
}
