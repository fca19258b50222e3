import type { MetricChart } from "../../src/domain/metrics.js";

const MiB = 1024 * 1024;
/** A fixed window so the images are reproducible: 12:00–13:00 UTC. */
export const WINDOW = { startMs: Date.UTC(2026, 11, 4, 12, 0), endMs: Date.UTC(2026, 11, 4, 13, 0) };
const seconds = (minute: number) => WINDOW.startMs / 1000 + minute * 60;

/** analytics-service's memory climbing to its 128Mi limit, OOM-killed and restarted twice. */
export function memoryChart(): MetricChart {
  const points: Array<[number, number]> = [];
  for (let minute = 0; minute <= 60; minute += 1) {
    const cycle = minute % 20;
    points.push([seconds(minute), (40 + cycle * 4.4) * MiB]);
  }
  return {
    title: "Memory working set — analytics-service / analytics",
    unit: "bytes",
    series: [
      { labels: { namespace: "shop", pod: "analytics-service-7d9f-x2k", container: "analytics" }, points },
    ],
    threshold: { label: "limit", value: 128 * MiB },
    query: 'container_memory_working_set_bytes{namespace="shop",container="analytics"}',
    window: WINDOW,
    altText:
      "Memory of analytics climbs from 40 MiB to its 128 MiB limit every 20 minutes, then drops on restart.",
  };
}

/** An alert expression with seven series (more than drawn) and a threshold: 5xx ratio per pod. */
export function alertChart(): MetricChart {
  const series = Array.from({ length: 7 }, (_, index) => ({
    labels: {
      __name__: "job:http_errors:ratio",
      job: "checkout",
      pod: `checkout-5c8d-${index}`,
      namespace: "shop",
    },
    points: Array.from({ length: 61 }, (_, minute) => {
      const base = 0.01 + index * 0.004;
      const spike = minute > 35 && index < 2 ? 0.06 + index * 0.02 : 0;
      return [seconds(minute), base + spike + (minute % 5) * 0.001] as [number, number];
    }),
  }));
  return {
    title: "HighErrorRate — checkout",
    unit: "ratio",
    series,
    threshold: { label: "alert >", value: 0.05 },
    query:
      'sum by (pod) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (pod) (rate(http_requests_total[5m])) > 0.05',
    window: WINDOW,
    altText: "5xx ratio of checkout pods: two pods rise above the 5% alert threshold after 12:35 UTC.",
  };
}

/** The alert's expression answers nothing now. */
export function emptyChart(): MetricChart {
  return {
    title: "KubePodCrashLooping — payments",
    unit: "count",
    series: [],
    query: 'increase(kube_pod_container_status_restarts_total{namespace="payments"}[10m]) > 0',
    window: WINDOW,
    altText: "No samples for the alert's expression in the last hour.",
  };
}

/** CPU in cores against a 500m limit, with a scrape gap (12:20–12:30) and a lone sample after it. */
export function cpuChart(): MetricChart {
  const points: Array<[number, number]> = [];
  for (let minute = 0; minute <= 20; minute += 1) points.push([seconds(minute), 0.2 + minute * 0.014]);
  points.push([seconds(30), 0.48]);
  for (let minute = 40; minute <= 60; minute += 1) points.push([seconds(minute), 0.45 + (minute % 3) * 0.02]);
  return {
    title: "CPU — payments-api",
    unit: "cores",
    series: [{ labels: { pod: "payments-api-0" }, points }],
    threshold: { label: "limit", value: 0.5 },
    window: WINDOW,
    altText:
      "CPU of payments-api rises from 200m to about 490m, near its 500m limit; no samples 12:21–12:39.",
  };
}
