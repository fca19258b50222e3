import type { Redis } from "ioredis";
import { log } from "../log.js";
import { METRICS, type MetricDefinition, type MetricKey } from "./definitions.js";

export type Labels = Record<string, string>;

/** Where metric updates go. Recording never throws: a metrics outage must not fail an incident. */
export interface MetricsRecorder {
  inc(metric: MetricKey, labels?: Labels, by?: number): void;
  observe(metric: MetricKey, labels: Labels, seconds: number): void;
  /** Resolves when pending writes are done (tests, shutdown). */
  flush(): Promise<void>;
}

/** One cluster's metrics hash (its scope prefix) and the `cluster` label its series get. */
export interface MetricsScope {
  prefix: string;
  cluster?: string;
}

/** A gauge sample computed at scrape time (queue depth). */
export interface Sample {
  metric: MetricKey;
  labels: Labels;
  value: number;
}

/** Redis hash holding every counter and histogram bucket, one field per series. */
export function metricsKey(prefix: string): string {
  return `${prefix}:metrics`;
}

function seriesField(name: string, labels: Labels): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((key) => [key, labels[key] ?? ""]);
  return `${name}|${JSON.stringify(sorted)}`;
}

function checkLabels(definition: MetricDefinition, labels: Labels): Labels {
  const clean: Labels = {};
  for (const label of definition.labels) clean[label] = labels[label] ?? "";
  return clean;
}

/** Records metrics into Redis with HINCRBYFLOAT, fire-and-forget, failures logged once per burst. */
export function createRedisMetrics(
  redis: Redis,
  prefix = "k8s-triage",
  options: { cluster?: string } = {},
): MetricsRecorder {
  const key = metricsKey(prefix);
  // A cluster agent's series carry its cluster (central renders every cluster's hash).
  const constant: Labels = options.cluster ? { cluster: options.cluster } : {};
  const pending = new Set<Promise<unknown>>();
  let lastWarning = 0;
  const write = (field: string, by: number) => {
    const promise = redis
      .hincrbyfloat(key, field, by)
      .catch((error: unknown) => {
        if (Date.now() - lastWarning > 60_000) {
          lastWarning = Date.now();
          log.warn("metrics write failed; metrics are incomplete until Redis answers", { error });
        }
      })
      .finally(() => pending.delete(promise));
    pending.add(promise);
  };
  return {
    inc(metric, labels = {}, by = 1) {
      const definition: MetricDefinition = METRICS[metric];
      write(seriesField(definition.name, { ...checkLabels(definition, labels), ...constant }), by);
    },
    observe(metric, labels, seconds) {
      const definition: MetricDefinition = METRICS[metric];
      const clean = { ...checkLabels(definition, labels), ...constant };
      for (const bound of definition.buckets ?? []) {
        if (seconds <= bound)
          write(seriesField(`${definition.name}_bucket`, { ...clean, le: String(bound) }), 1);
      }
      write(seriesField(`${definition.name}_bucket`, { ...clean, le: "+Inf" }), 1);
      write(seriesField(`${definition.name}_sum`, clean), seconds);
      write(seriesField(`${definition.name}_count`, clean), 1);
    },
    async flush() {
      await Promise.all([...pending]);
    },
  };
}

/** Discards everything (CLI runs, tests that do not look at metrics). */
export const noopMetrics: MetricsRecorder = { inc() {}, observe() {}, flush: async () => {} };

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatSeries(name: string, labels: [string, string][], value: number): string {
  const body = labels.map(([key, val]) => `${key}="${escapeLabel(val)}"`).join(",");
  return `${name}${body ? `{${body}}` : ""} ${Number.isInteger(value) ? value : value.toFixed(6)}`;
}

type Series = { name: string; labels: [string, string][]; value: number };

function parseField(field: string, raw: string): Series {
  const separator = field.indexOf("|");
  return {
    name: field.slice(0, separator),
    labels: JSON.parse(field.slice(separator + 1)) as [string, string][],
    value: Number(raw),
  };
}

/** Histogram lines per label set: every bucket in ascending order (zeros included), +Inf, sum, count. */
function histogramLines(definition: MetricDefinition, series: Series[]): string[] {
  const groups = new Map<string, { labels: [string, string][]; values: Map<string, number> }>();
  for (const one of series) {
    const le = one.labels.find(([key]) => key === "le")?.[1];
    const labels = one.labels.filter(([key]) => key !== "le");
    const groupKey = JSON.stringify(labels);
    const group = groups.get(groupKey) ?? { labels, values: new Map<string, number>() };
    const suffix = one.name.slice(definition.name.length);
    group.values.set(le === undefined ? suffix : `${suffix}:${le}`, one.value);
    groups.set(groupKey, group);
  }
  const lines: string[] = [];
  for (const { labels, values } of groups.values()) {
    for (const bound of [...(definition.buckets ?? []).map(String), "+Inf"]) {
      const value = values.get(`_bucket:${bound}`) ?? 0;
      lines.push(formatSeries(`${definition.name}_bucket`, [...labels, ["le", bound]], value));
    }
    lines.push(formatSeries(`${definition.name}_sum`, labels, values.get("_sum") ?? 0));
    lines.push(formatSeries(`${definition.name}_count`, labels, values.get("_count") ?? 0));
  }
  return lines;
}

/**
 * Renders the Prometheus text exposition (version 0.0.4) from the Redis hash plus scrape-time
 * gauges. Every defined metric gets its HELP/TYPE lines even before its first sample.
 */
export async function renderMetrics(
  redis: Redis,
  prefix = "k8s-triage",
  gauges: Sample[] = [],
  clusters: readonly MetricsScope[] = [],
): Promise<string> {
  const byBase = new Map<string, Series[]>();
  const add = (base: string, series: Series) => byBase.set(base, [...(byBase.get(base) ?? []), series]);
  // Many clusters: every cluster's hash, each series labelled with its cluster.
  const scopes = clusters.length > 0 ? clusters : [{ prefix }];
  for (const scope of scopes) {
    const fields = await redis.hgetall(metricsKey(scope.prefix));
    for (const [field, raw] of Object.entries(fields)) {
      const series = parseField(field, raw);
      if (scope.cluster && !series.labels.some(([key]) => key === "cluster")) {
        const labelled: [string, string][] = [...series.labels, ["cluster", scope.cluster]];
        series.labels = labelled.sort((a, b) => a[0].localeCompare(b[0]));
      }
      add(series.name.replace(/_(bucket|sum|count)$/, ""), series);
    }
  }
  for (const sample of gauges) {
    const definition: MetricDefinition = METRICS[sample.metric];
    add(definition.name, {
      name: definition.name,
      labels: Object.entries(sample.labels),
      value: sample.value,
    });
  }
  const out: string[] = [];
  for (const definition of Object.values(METRICS) as MetricDefinition[]) {
    out.push(`# HELP ${definition.name} ${definition.help}`, `# TYPE ${definition.name} ${definition.type}`);
    const series = byBase.get(definition.name) ?? [];
    if (definition.type === "histogram") out.push(...histogramLines(definition, series));
    else out.push(...series.map((one) => formatSeries(one.name, one.labels, one.value)).sort());
  }
  return `${out.join("\n")}\n`;
}
