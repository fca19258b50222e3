import type { MetricChart } from "./metrics.js";

/**
 * What Prometheus answered for one investigation, reduced to plain data at the I/O edge
 * (src/prometheus/collect.ts) so the triage engine stays pure. Absent when PROMETHEUS_URL is unset.
 */
export interface PrometheusSnapshot {
  /** Base URL queried (no credentials). */
  url: string;
  /** The alert's own expression re-evaluated, when the trigger was an Alertmanager alert with a generatorURL. */
  alert?: AlertReevaluation;
  /** Numbers the standard kube-state-metrics / cAdvisor series gave, per container of the namespace. */
  containers: ContainerMetrics[];
  /**
   * Highest working set (bytes) seen over the last hour per container, keyed
   * `namespace/pod/container`: what set-resources sizing can start from instead of a guess.
   */
  peakMemoryBytes: Record<string, number>;
  /** Charts worth posting (the alert's series, the failing container's memory against its limit). */
  charts: MetricChart[];
  /** Failed queries, each with its coded reason: reported in the evidence, never fatal. */
  errors: PrometheusQueryError[];
  /** Bound notes: "truncated to 50 of 812 series", "range clamped to 6h". */
  notes: string[];
  /** Queries sent and milliseconds spent, for the bench. */
  queries: number;
  durationMs: number;
}

/** The alert expression's current value and last hour. */
export interface AlertReevaluation {
  alertname?: string;
  expression: string;
  /** Current value per series (labels rendered `{a="b"}`), capped. */
  current: { labels: string; value: number }[];
  /** min/max/last per series over the last hour, as text lines. */
  lastHour: string[];
  seriesCount: number;
}

/** One container's numbers from kube-state-metrics and cAdvisor (each absent when the series is). */
export interface ContainerMetrics {
  namespace: string;
  pod: string;
  container: string;
  /** kube_pod_container_status_restarts_total now, and its increase over the last hour. */
  restarts?: number;
  restartsLastHour?: number;
  /** kube_pod_container_status_last_terminated_reason{reason="OOMKilled"} == 1. */
  lastTerminatedOOMKilled?: boolean;
  /** Share of CFS periods throttled over the last 5 minutes (0..1). */
  throttledRatio?: number;
  /** container_memory_working_set_bytes now, and its maximum over the last hour. */
  workingSetBytes?: number;
  peakWorkingSetBytes?: number;
  /** kube_pod_container_resource_limits{resource="memory"}. */
  memoryLimitBytes?: number;
}

/** A query Prometheus could not answer. */
export interface PrometheusQueryError {
  /** What the query was for: "alert expression", "restarts"… */
  purpose: string;
  query: string;
  /** PrometheusError code, e.g. PROMETHEUS_BAD_QUERY, PROMETHEUS_TIMEOUT, PROMETHEUS_UNREACHABLE. */
  code: string;
  message: string;
}
