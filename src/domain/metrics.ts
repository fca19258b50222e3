/**
 * Metric data an investigation carries: what metrics-server and Prometheus answered, reduced to
 * plain data so the triage engine, the Slack blocks and the chart renderer stay pure.
 */

/** One time series: its labels and its samples as `[unix seconds, value]`, oldest first. */
export interface MetricSeries {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

/** What a chart's values measure, for axis labels and formatting. */
export type MetricUnit = "bytes" | "cores" | "ratio" | "percent" | "count" | "seconds" | "none";

/**
 * A picture worth posting in the thread: the alerting expression over the last hour, or a
 * container's memory against its limit. Built by the investigation, rendered to PNG at the edge.
 */
export interface MetricChart {
  /** Short title, e.g. "container_memory_working_set_bytes — analytics-service". */
  title: string;
  unit: MetricUnit;
  series: MetricSeries[];
  /** A horizontal line: the limit, or the alert's threshold. */
  threshold?: { label: string; value: number };
  /** The PromQL expression the series came from, when they came from Prometheus. */
  query?: string;
  /** The time range shown, in ms since the epoch. */
  window: { startMs: number; endMs: number };
  /** Alt text a screen reader reads (and Slack shows when the image cannot load). */
  altText: string;
}
