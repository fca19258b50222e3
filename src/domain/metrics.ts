import type { ObjectMeta } from "./kube.js";

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

/** `metrics.k8s.io/v1beta1` usage of one container: cpu in cores (`"4183316n"`), memory as the working set (`"125432Ki"`). */
export interface ContainerMetrics {
  name: string;
  usage: { cpu?: string; memory?: string; [resource: string]: string | undefined };
}

/** A `metrics.k8s.io/v1beta1` PodMetrics, as metrics-server serves it and `kubectl get podmetrics -o yaml` prints it. */
export interface PodMetrics {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  /** End of the sampling window, RFC 3339. */
  timestamp: string;
  /** Window length, a Go duration (`"15s"`, `"20.052s"`). */
  window: string;
  containers: ContainerMetrics[];
  [key: string]: unknown;
}

/** A `metrics.k8s.io/v1beta1` NodeMetrics. */
export interface NodeMetrics {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  timestamp: string;
  window: string;
  usage: { cpu?: string; memory?: string; [resource: string]: string | undefined };
  [key: string]: unknown;
}

/** Whether the cluster's metrics API answered, in words for the evidence. */
export interface MetricsServerStatus {
  available: boolean;
  /** `metrics.k8s.io/v1beta1 answered: 12 pods, 3 nodes`, or why not (`metrics-server not available: HTTP 404`). */
  message: string;
}
