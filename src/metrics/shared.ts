import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { METRICS, type MetricDefinition } from "./definitions.js";
import { type MetricsScope, renderMetrics, type Sample } from "./registry.js";

/**
 * Counters and histograms live in one Redis hash shared by every replica, and queue depth is the
 * same number wherever it is read. If every pod exported them, `sum()` over the pods would count
 * each event once per replica. So one pod at a time holds a short lease in Redis and exports the
 * shared series; the others export only the metric headers and `k8s_triage_metrics_exporter 0`.
 * When the exporting pod goes away its lease lapses and the next scrape of another pod takes it.
 */

/** How long a lease lasts without a scrape renewing it (a few scrape intervals). */
export const EXPORTER_LEASE_MS = 90_000;

/** This process's identity in the lease (one per process). */
const holder = `${process.env.HOSTNAME ?? "process"}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** Takes or renews the lease atomically; true when this process holds it. */
const LEASE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** Key of the exporter lease under `prefix`. */
export function exporterLeaseKey(prefix: string): string {
  return `${prefix}:metrics-exporter`;
}

/** True when this process is (now) the one exporting the shared series. */
export async function holdsExporterLease(
  redis: Redis,
  prefix: string,
  ttlMs = EXPORTER_LEASE_MS,
): Promise<boolean> {
  const result = await redis.eval(LEASE_SCRIPT, 1, exporterLeaseKey(prefix), holder, String(ttlMs));
  return result === 1;
}

function exporterLine(value: 0 | 1): string {
  return [
    "# HELP k8s_triage_metrics_exporter Whether this pod exports the Redis-kept (cluster-wide) series: one pod at a time does",
    "# TYPE k8s_triage_metrics_exporter gauge",
    `k8s_triage_metrics_exporter ${value}`,
  ].join("\n");
}

/**
 * The /metrics body of one pod: the shared series when it holds the lease, otherwise the headers
 * only (so every pod exposes the same metric names). `gauges` is read only by the exporting pod.
 */
export async function renderSharedMetrics(
  redis: Redis,
  prefix: string,
  gauges: () => Promise<Sample[]> = async () => [],
  clusters: () => Promise<readonly MetricsScope[]> = async () => [],
): Promise<string> {
  if (await holdsExporterLease(redis, prefix)) {
    return `${await renderMetrics(redis, prefix, await gauges(), await clusters())}${exporterLine(1)}\n`;
  }
  const headers = (Object.values(METRICS) as MetricDefinition[]).flatMap((definition) => [
    `# HELP ${definition.name} ${definition.help}`,
    `# TYPE ${definition.name} ${definition.type}`,
  ]);
  return `${headers.join("\n")}\n${exporterLine(0)}\n`;
}
