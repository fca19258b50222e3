import type { ContainerMetrics, PrometheusSnapshot } from "../domain/prometheus.js";
import type { CollectionGap } from "../domain/types.js";
import { type Finding, MAX_EVIDENCE } from "./finding.js";
import { formatMemory } from "./quantity.js";

/** A throttled share of CFS periods worth mentioning (25 %: latency shows well before 100 %). */
const THROTTLED = 0.25;
/** Working set near the limit: the next spike is an OOM kill. */
const NEAR_LIMIT = 0.8;
const MAX_LINES = 30;

function pct(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

/** What Prometheus says about one container, as one evidence sentence; undefined when unremarkable. */
export function containerLine(c: ContainerMetrics): string | undefined {
  const parts: string[] = [];
  if (c.restartsLastHour !== undefined && c.restartsLastHour > 0)
    parts.push(`restarted ${c.restartsLastHour} time(s) in the last hour (${c.restarts ?? "?"} in total)`);
  if (c.lastTerminatedOOMKilled) parts.push("last terminated OOMKilled");
  const limit = c.memoryLimitBytes;
  if (limit !== undefined && limit > 0 && c.peakWorkingSetBytes !== undefined) {
    const ratio = c.peakWorkingSetBytes / limit;
    if (ratio >= NEAR_LIMIT || c.lastTerminatedOOMKilled)
      parts.push(
        `memory working set peaked at ${formatMemory(c.peakWorkingSetBytes)} (${c.peakWorkingSetBytes} bytes) over the last hour, ${pct(ratio)} of its ${formatMemory(limit)} limit`,
      );
  }
  if (c.throttledRatio !== undefined && c.throttledRatio >= THROTTLED)
    parts.push(`CPU-throttled in ${pct(c.throttledRatio)} of CFS periods over the last 5 minutes`);
  if (parts.length === 0) return undefined;
  return `Prometheus: container ${c.container} of pod ${c.namespace}/${c.pod} ${parts.join("; ")}`;
}

function touches(finding: Finding, c: ContainerMetrics): boolean {
  return [finding.resource, ...finding.affected].some(
    (ref) => ref.kind === "Pod" && ref.name === c.pod && ref.namespace === c.namespace,
  );
}

/**
 * Turns `snapshot.prometheus` into evidence (pure): lines for the result's `metrics` section,
 * each container's numbers appended to the causes of its pod, and every failed query as a gap
 * (so a PromQL error or timeout is said, and never fails the investigation).
 */
export function prometheusEvidence(
  prometheus: PrometheusSnapshot | undefined,
  findings: Finding[],
): { metrics: string[]; gaps: CollectionGap[] } {
  if (!prometheus) return { metrics: [], gaps: [] };
  const metrics: string[] = [];
  const alert = prometheus.alert;
  if (alert) {
    const name = alert.alertname ? `Alert ${alert.alertname}` : "The alert";
    const now =
      alert.current.length === 0
        ? "returns no series now (the condition no longer holds)"
        : `returns ${alert.seriesCount} series now: ${alert.current.map((c) => `${c.labels} = ${c.value}`).join("; ")}`;
    metrics.push(`${name} re-evaluated on Prometheus: \`${alert.expression}\` ${now}`);
    for (const line of alert.lastHour.slice(0, 5)) metrics.push(`Last hour: ${line}`);
  }
  let remarkable = 0;
  for (const c of prometheus.containers) {
    const line = containerLine(c);
    if (!line) continue;
    remarkable += 1;
    metrics.push(line);
    for (const finding of findings)
      if (touches(finding, c) && finding.evidence.length < MAX_EVIDENCE && !finding.evidence.includes(line))
        finding.evidence.push(line);
  }
  if (prometheus.containers.length > 0 && remarkable === 0)
    metrics.push(
      `Prometheus: ${prometheus.containers.length} container(s) read (restarts, OOM kills, throttling, memory vs limit): nothing remarkable`,
    );
  for (const note of prometheus.notes) metrics.push(`Prometheus: ${note}`);
  const gaps: CollectionGap[] = prometheus.errors.map((error) => ({
    resource: "prometheus",
    // Never "forbidden": that reason names missing Kubernetes RBAC, which this is not.
    reason: error.code === "PROMETHEUS_TIMEOUT" ? "timeout" : "error",
    message: `Prometheus query for ${error.purpose} failed (${error.code}): ${error.message}`,
  }));
  for (const gap of gaps) metrics.push(gap.message);
  return { metrics: metrics.slice(0, MAX_LINES), gaps };
}
