import type { Pod } from "../domain/kube.js";
import type { MetricChart } from "../domain/metrics.js";
import type { ContainerMetrics, PrometheusQueryError, PrometheusSnapshot } from "../domain/prometheus.js";
import { errorMessage } from "../errors.js";
import { failingContainers } from "../k8s/failing-containers.js";
import { redactText } from "../k8s/redact.js";
import { reevaluateAlert } from "./alert.js";
import type { PrometheusClient, QueryResult } from "./client.js";
import { PrometheusError } from "./errors.js";
import { containerQueries, workingSetQuery } from "./queries.js";
import { num } from "./summary.js";

/** What to read for one investigation. */
export interface PrometheusCollectInput {
  /** The namespace investigated; "*" reads no container series (too broad to be bounded usefully). */
  namespace: string;
  /** The alert that triggered the investigation, when its expression is known. */
  alert?: { alertname?: string; expression: string };
  /** The snapshot's pods: failing ones narrow the container queries. */
  pods: readonly Pod[];
  signal?: AbortSignal;
}

const MAX_PODS = 20;

/** Failing pods of the namespace (at most 20), so the container queries stay small and on point. */
function failingPods(namespace: string, pods: readonly Pod[]): string[] {
  const names = pods
    .filter((pod) => pod.metadata.namespace === namespace && failingContainers(pod).length > 0)
    .map((pod) => pod.metadata.name ?? "")
    .filter(Boolean);
  return [...new Set(names)].slice(0, MAX_PODS);
}

function key(labels: Record<string, string>): string | undefined {
  const { namespace, pod, container } = labels;
  return namespace && pod && container ? `${namespace}/${pod}/${container}` : undefined;
}

/**
 * Reads what Prometheus knows about an investigation, at the I/O edge: the alert's expression
 * re-evaluated (value now + last hour), the container checks (restarts, OOM kills, throttling,
 * working set vs limit) and a chart of the failing container's memory against its limit. Every
 * query runs inside the client's bounds; a failed query is recorded in `errors` and the rest go on.
 */
export async function collectPrometheus(
  client: PrometheusClient,
  input: PrometheusCollectInput,
): Promise<PrometheusSnapshot> {
  const started = performance.now();
  const before = client.queryCount;
  const nowSeconds = Math.floor(Date.now() / 1000);
  const errors: PrometheusQueryError[] = [];
  const notes: string[] = [];
  const charts: MetricChart[] = [];
  const signal = input.signal ? { signal: input.signal } : {};
  const attempt = async <T>(
    purpose: string,
    query: string,
    run: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      if (input.signal?.aborted) throw error;
      errors.push({
        purpose,
        query,
        code: error instanceof PrometheusError ? error.code : "PROMETHEUS_ERROR",
        message: errorMessage(error),
      });
      return undefined;
    }
  };

  const alertTask = input.alert
    ? attempt("alert expression", input.alert.expression, () =>
        reevaluateAlert(client, input.alert?.expression ?? "", {
          ...(input.alert?.alertname ? { alertname: input.alert.alertname } : {}),
          nowSeconds,
          ...signal,
        }),
      )
    : Promise.resolve(undefined);

  const containers = new Map<string, ContainerMetrics>();
  const containerTask = async () => {
    if (input.namespace === "*") return;
    const queries = containerQueries(input.namespace, failingPods(input.namespace, input.pods));
    await Promise.all(
      (Object.entries(queries) as [keyof typeof queries, string][]).map(async ([field, query]) => {
        const result: QueryResult | undefined = await attempt(field, query, () =>
          client.instant(query, { time: nowSeconds, ...signal }),
        );
        if (!result) return;
        for (const note of result.notes) notes.push(`${field}: ${note}`);
        for (const series of result.series) {
          const id = key(series.labels);
          const value = series.points[series.points.length - 1]?.[1];
          if (!id || value === undefined) continue;
          const entry = containers.get(id) ?? {
            namespace: series.labels.namespace ?? "",
            pod: series.labels.pod ?? "",
            container: series.labels.container ?? "",
          };
          if (field === "lastTerminatedOOMKilled") entry.lastTerminatedOOMKilled = value === 1;
          else entry[field] = value;
          containers.set(id, entry);
        }
      }),
    );
  };
  const [alert] = await Promise.all([alertTask, containerTask()]);
  if (alert) {
    if (alert.chart) charts.push(alert.chart);
    notes.push(...alert.notes);
  }

  const list = [...containers.values()].sort((a, b) =>
    `${a.pod}/${a.container}`.localeCompare(`${b.pod}/${b.container}`),
  );
  const peakMemoryBytes: Record<string, number> = {};
  for (const c of list)
    if (c.peakWorkingSetBytes !== undefined)
      peakMemoryBytes[`${c.namespace}/${c.pod}/${c.container}`] = c.peakWorkingSetBytes;

  const chartTarget = memoryChartTarget(list);
  if (chartTarget) {
    const query = workingSetQuery(chartTarget.namespace, chartTarget.pod, chartTarget.container);
    const hour = await attempt("memory chart", query, () =>
      client.range(query, { start: nowSeconds - 3600, end: nowSeconds, step: 30 }, signal),
    );
    if (hour?.range && hour.series.length > 0 && chartTarget.memoryLimitBytes !== undefined) {
      charts.push({
        title: `container_memory_working_set_bytes — ${chartTarget.pod}/${chartTarget.container}`,
        unit: "bytes",
        series: hour.series,
        threshold: { label: "memory limit", value: chartTarget.memoryLimitBytes },
        query,
        window: { startMs: hour.range.start * 1000, endMs: hour.range.end * 1000 },
        altText: `Line chart of the memory working set of container ${chartTarget.container} in pod ${chartTarget.pod} over the last hour: peak ${bytesText(chartTarget.peakWorkingSetBytes ?? 0)} against a limit of ${bytesText(chartTarget.memoryLimitBytes)}.`,
      });
    }
  }

  // Label values and messages are free text from another system: scrubbed like logs and events.
  const reevaluation = alert?.reevaluation;
  return {
    url: client.url,
    ...(reevaluation
      ? {
          alert: {
            ...reevaluation,
            expression: redactText(reevaluation.expression),
            current: reevaluation.current.map((c) => ({ ...c, labels: redactText(c.labels) })),
            lastHour: reevaluation.lastHour.map(redactText),
          },
        }
      : {}),
    containers: list,
    peakMemoryBytes,
    charts: charts.map((chart) => ({
      ...chart,
      title: redactText(chart.title),
      altText: redactText(chart.altText),
      ...(chart.query ? { query: redactText(chart.query) } : {}),
      series: chart.series.map((series) => ({
        ...series,
        labels: Object.fromEntries(Object.entries(series.labels).map(([k, v]) => [k, redactText(v)])),
      })),
    })),
    errors: errors.map((error) => ({
      ...error,
      query: redactText(error.query),
      message: redactText(error.message),
    })),
    notes,
    queries: client.queryCount - before,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The container to chart: OOM-killed first, else the one closest to its memory limit (≥ 80 %). */
function memoryChartTarget(list: ContainerMetrics[]): ContainerMetrics | undefined {
  const withLimit = list.filter((c) => c.memoryLimitBytes !== undefined && c.memoryLimitBytes > 0);
  const ratio = (c: ContainerMetrics) => (c.peakWorkingSetBytes ?? 0) / (c.memoryLimitBytes ?? 1);
  const oom = withLimit.filter((c) => c.lastTerminatedOOMKilled).sort((a, b) => ratio(b) - ratio(a))[0];
  if (oom) return oom;
  const near = withLimit.filter((c) => ratio(c) >= 0.8).sort((a, b) => ratio(b) - ratio(a))[0];
  return near;
}

/** 134217728 → "128Mi". */
export function bytesText(bytes: number): string {
  const units = ["B", "Ki", "Mi", "Gi", "Ti"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${num(Number(value.toFixed(1)))}${units[unit]}`;
}
