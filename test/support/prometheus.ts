/**
 * Known samples for a real Prometheus: OpenMetrics text (turned into TSDB blocks by promtool
 * before the server starts), so every PromQL answer in the tests is the real engine's.
 */

import { type SampleSeries, timeline } from "../../src/dev/prometheus-samples.js";

export { openMetrics, type SampleSeries, timeline } from "../../src/dev/prometheus-samples.js";

export const MI = 2 ** 20;

/** The numbers a failing container's series carry (what the checks must report back). */
export const KNOWN = {
  restarts: 7,
  restartsLastHour: 5,
  peakWorkingSet: 130_000_000,
  workingSetNow: 100_000_000,
  memoryLimit: 128 * MI,
  throttledRatio: 0.3,
  errorRatioNow: 0.12,
} as const;

/**
 * kube-state-metrics and cAdvisor series of one OOM-killed, throttled container: restarts 2 → 4
 * (40 min ago) → 7 (20 min ago); working set 100 MB with a 130 MB peak 30 min ago against a
 * 128Mi limit; 3 of every 10 CFS periods throttled; plus an error ratio that rose above 0.05
 * 20 minutes ago (the alert's expression).
 */
export function containerSeries(now: number, target: { namespace: string; pod: string; container: string }) {
  const labels = { ...target };
  const series: SampleSeries[] = [
    {
      name: "kube_pod_container_status_restarts_total",
      labels: { ...labels, job: "kube-state-metrics" },
      samples: timeline(now, 30, (ago) => (ago > 2400 ? 2 : ago > 1200 ? 4 : KNOWN.restarts)),
    },
    {
      name: "kube_pod_container_status_last_terminated_reason",
      labels: { ...labels, reason: "OOMKilled", job: "kube-state-metrics" },
      samples: timeline(now, 30, () => 1),
    },
    {
      name: "kube_pod_container_resource_limits",
      labels: { ...labels, resource: "memory", unit: "byte", job: "kube-state-metrics" },
      samples: timeline(now, 30, () => KNOWN.memoryLimit),
    },
    {
      name: "container_memory_working_set_bytes",
      labels: { ...labels, job: "kubelet", image: "ghcr.io/acme/app:v1" },
      samples: timeline(now, 30, (ago) =>
        ago >= 1800 && ago < 1830 ? KNOWN.peakWorkingSet : KNOWN.workingSetNow,
      ),
    },
    {
      name: "container_cpu_cfs_periods_total",
      labels: { ...labels, job: "kubelet" },
      samples: timeline(now, 30, (ago) => (3900 - ago) / 3),
    },
    {
      name: "container_cpu_cfs_throttled_periods_total",
      labels: { ...labels, job: "kubelet" },
      samples: timeline(now, 30, (ago) => ((3900 - ago) / 3) * KNOWN.throttledRatio),
    },
    {
      name: "http_requests_errors_ratio",
      labels: { namespace: target.namespace, service: target.pod.replace(/-[a-z0-9]+-[a-z0-9]+$/, "") },
      samples: timeline(now, 30, (ago) => (ago > 1200 ? 0.01 : KNOWN.errorRatioNow)),
    },
  ];
  return series;
}

/** `count` series of `synthetic_series{i=…}`, one sample every 4 minutes: for the series and byte bounds. */
export function manySeries(now: number, count: number): SampleSeries[] {
  return Array.from({ length: count }, (_, i) => ({
    name: "synthetic_series",
    labels: { i: String(i).padStart(5, "0"), padding: "x".repeat(40) },
    samples: timeline(now, 240, () => i),
  }));
}
