import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { startLocalPrometheus } from "../dev/local-prometheus.js";
import { openMetrics, type SampleSeries, timeline } from "../dev/prometheus-samples.js";
import type { Trigger } from "../domain/investigation.js";
import { collectSnapshot } from "../k8s/collect.js";
import { failingContainers } from "../k8s/failing-containers.js";
import { createClusterReader } from "../k8s/kube-reader.js";
import { PrometheusClient, withPrometheus } from "../prometheus/index.js";
import { startSimCluster } from "../sim/index.js";
import { triage } from "../triage/index.js";
import type { BenchContext, BenchRow, BenchSection, BenchSectionResult } from "./types.js";

/**
 * What Prometheus adds to one investigation: collect + triage of the prod-api outage on the
 * simulated API server, alert-triggered, without and with a real local Prometheus (the alert's
 * expression re-evaluated, the container checks, the memory chart). Skipped, with the reason,
 * when the prometheus/promtool binaries are not installed.
 */

const NAMESPACE = "prod-api";
const EXPR = `sum by (namespace) (kube_pod_container_status_restarts_total{namespace="${NAMESPACE}"}) > 3`;

function installed(): boolean {
  try {
    execFileSync("sh", ["-c", "command -v prometheus && command -v promtool"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const round = (value: number) => Number(value.toFixed(1));

/** kube-state-metrics / cAdvisor series for every container of the given pods. */
function samplesFor(now: number, containers: { pod: string; container: string }[]): SampleSeries[] {
  return containers.flatMap(({ pod, container }) => {
    const labels = { namespace: NAMESPACE, pod, container };
    return [
      {
        name: "kube_pod_container_status_restarts_total",
        labels,
        samples: timeline(now, 30, (ago) => Math.floor((3900 - ago) / 600)),
      },
      {
        name: "kube_pod_container_status_last_terminated_reason",
        labels: { ...labels, reason: "OOMKilled" },
        samples: timeline(now, 30, () => 1),
      },
      {
        name: "kube_pod_container_resource_limits",
        labels: { ...labels, resource: "memory" },
        samples: timeline(now, 30, () => 134_217_728),
      },
      {
        name: "container_memory_working_set_bytes",
        labels,
        samples: timeline(now, 30, (ago) => 100_000_000 + (ago % 600) * 50_000),
      },
      {
        name: "container_cpu_cfs_periods_total",
        labels,
        samples: timeline(now, 30, (ago) => (3900 - ago) / 3),
      },
      {
        name: "container_cpu_cfs_throttled_periods_total",
        labels,
        samples: timeline(now, 30, (ago) => (3900 - ago) / 10),
      },
    ];
  });
}

async function measure(run: () => Promise<unknown>, times: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    out.push(performance.now() - started);
  }
  return out.sort((a, b) => a - b);
}

async function runPrometheus(context: BenchContext): Promise<BenchSectionResult> {
  if (!installed()) {
    const reason =
      "skipped: prometheus/promtool not installed (Debian package `prometheus`; the tests install it)";
    return {
      columns: ["case", "note"],
      rows: [{ case: "prometheus enabled vs disabled", note: reason }],
      figures: { skipped: reason },
    };
  }
  const iterations = context.quick ? 5 : 20;
  const sim = await startSimCluster({ scenario: "prod-api-outage" });
  const reader = createClusterReader(sim.kubeConfig("reader"));
  let prometheus: Awaited<ReturnType<typeof startLocalPrometheus>> | undefined;
  let client: PrometheusClient | undefined;
  try {
    const first = await collectSnapshot(reader, { namespace: NAMESPACE });
    const containers = first.pods.flatMap((pod) =>
      failingContainers(pod).map((t) => ({ pod: t.pod, container: t.container })),
    );
    const now = Math.floor(Date.now() / 1000);
    context.progress(
      `prometheus: starting a local Prometheus with ${containers.length} failing containers' series`,
    );
    prometheus = await startLocalPrometheus({ openMetrics: openMetrics(samplesFor(now, containers)) });
    client = new PrometheusClient({ url: prometheus.url });
    const base = (trigger: Trigger, signal: AbortSignal) =>
      collectSnapshot(reader, { namespace: trigger.namespace }, { signal });
    const enriched = withPrometheus(base, client);
    const trigger: Trigger = {
      source: "alertmanager",
      namespace: NAMESPACE,
      receivedAt: new Date().toISOString(),
      signal: { alertname: "KubePodCrashLooping", expression: EXPR },
    };
    const signal = new AbortController().signal;
    let queries = 0;
    let charts = 0;
    let errors = 0;
    const runOff = async () => triage(await base(trigger, signal), { namespace: NAMESPACE });
    const runOn = async () => {
      const snapshot = await enriched(trigger, signal);
      queries = snapshot.prometheus?.queries ?? 0;
      charts = snapshot.prometheus?.charts.length ?? 0;
      errors = snapshot.prometheus?.errors.length ?? 0;
      reads.push(snapshot.prometheus?.durationMs ?? Number.NaN);
      return triage(snapshot, { namespace: NAMESPACE });
    };
    const reads: number[] = [];
    // Warm both paths (JIT, connection pools), then interleave so drift hits both equally.
    for (let i = 0; i < 3; i++) {
      await runOff();
      await runOn();
    }
    reads.length = 0;
    const off: number[] = [];
    const on: number[] = [];
    for (let i = 0; i < iterations; i++) {
      off.push(...(await measure(runOff, 1)));
      on.push(...(await measure(runOn, 1)));
    }
    off.sort((a, b) => a - b);
    on.sort((a, b) => a - b);
    reads.sort((a, b) => a - b);
    const row = (name: string, sorted: number[]): BenchRow => ({
      case: name,
      iterations,
      "p50 ms": round(percentile(sorted, 50)),
      "p95 ms": round(percentile(sorted, 95)),
    });
    const added50 = round(percentile(on, 50) - percentile(off, 50));
    const added95 = round(percentile(on, 95) - percentile(off, 95));
    return {
      columns: ["case", "iterations", "p50 ms", "p95 ms", "note"],
      rows: [
        row("collect+triage, Prometheus disabled", off),
        {
          ...row("collect+triage, Prometheus enabled", on),
          note: `${queries} queries, ${charts} charts, ${errors} errors`,
        },
        {
          case: "added per investigation (difference)",
          iterations,
          "p50 ms": added50,
          "p95 ms": added95,
          note: "",
        },
        {
          ...row("Prometheus reads alone (in the collect phase)", reads),
          note: "what the enabled run spends waiting on Prometheus",
        },
      ],
      figures: {
        iterations,
        offP50Ms: round(percentile(off, 50)),
        onP50Ms: round(percentile(on, 50)),
        addedP50Ms: added50,
        addedP95Ms: added95,
        queries,
        charts,
        errors,
      },
      checks: [
        {
          name: "Prometheus reads take under 500 ms per investigation (p50)",
          ok: percentile(reads, 50) < 500,
          detail: `${round(percentile(reads, 50))} ms (difference of the runs: ${added50} ms)`,
        },
        { name: "every Prometheus query answered", ok: errors === 0, detail: `${errors} errors` },
      ],
    };
  } finally {
    await client?.close();
    await prometheus?.stop();
    reader.close();
    await sim.close();
  }
}

const section: BenchSection = {
  name: "prometheus",
  describe: "latency Prometheus adds to one investigation (real local Prometheus vs disabled)",
  run: runPrometheus,
};
export default section;
