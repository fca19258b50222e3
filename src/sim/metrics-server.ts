import type { Container, KubeObject, Node, Pod } from "../domain/kube.js";
import type { NodeMetrics, PodMetrics } from "../domain/metrics.js";
import { ANNOTATIONS, simQuantity } from "./model/annotations.js";
import { fnv32a } from "./model/util/hash.js";
import { parseQuantity } from "./model/util/quantity.js";
import type { ClusterView } from "./types.js";

/** What the metrics need of the cluster: its clock and its objects (read, never changed). */
export type MetricsView = Pick<ClusterView, "now" | "list">;

/**
 * The simulated metrics-server: `metrics.k8s.io/v1beta1` PodMetrics and NodeMetrics computed from
 * what the scenario declares, in the shape and units the real one serves (cpu in nanocores
 * `"4183316n"`, memory — the working set — in `"Ki"`, a scrape `timestamp` and `window`).
 *
 * Like the real one it reports only running containers (a container in back-off has no cgroup to
 * read, so a pod with none running has no PodMetrics), and it reports what the kernel lets a
 * container use: a container whose declared need (`triage.sim/memory-usage`) exceeds its memory
 * limit shows a working set just under the limit while it runs — the OOM killer ends it there —
 * and only a bigger limit would show the need. CPU above `limits.cpu` is throttled: it shows as
 * the limit. See src/sim/README.md.
 */

/** The scrape window the simulated metrics-server reports (the real default resolution is 15 s). */
export const METRICS_WINDOW = "15s";

const MI = 2 ** 20;

/** A stable factor in [1 - spread, 1 + spread) so numbers look measured yet replay identically. */
function jitter(seed: string, spread: number): number {
  return 1 - spread + ((fnv32a(seed) % 10_000) / 10_000) * 2 * spread;
}

function nanocores(cores: number): string {
  return `${Math.max(0, Math.round(cores * 1e9))}n`;
}

function kibibytes(bytes: number): string {
  return `${Math.max(0, Math.round(bytes / 1024))}Ki`;
}

/** Working-set bytes of a running container: its declared use, capped just under its limit. */
export function containerMemory(pod: Pod, container: Container): number {
  const key = `${pod.metadata.namespace}/${pod.metadata.name}/${container.name}`;
  const limit = parseQuantity(container.resources?.limits?.memory);
  const declared = simQuantity(pod, ANNOTATIONS.memoryUsage, container.name);
  if (declared !== undefined) {
    // At the limit the OOM killer fires: while it runs, the working set is what the cgroup allows.
    if (limit !== undefined && declared >= limit) return limit * jitter(`${key}/oom`, 0.015) * 0.98;
    return declared * jitter(key, 0.02);
  }
  const request = parseQuantity(container.resources?.requests?.memory);
  const base = request !== undefined ? request * 0.6 : limit !== undefined ? limit * 0.4 : 24 * MI;
  return Math.min(base * jitter(key, 0.1), (limit ?? Number.POSITIVE_INFINITY) * 0.9);
}

/** CPU cores of a running container: its declared use (`triage.sim/cpu-usage`), throttled at its limit. */
export function containerCpu(pod: Pod, container: Container): number {
  const key = `${pod.metadata.namespace}/${pod.metadata.name}/${container.name}/cpu`;
  const limit = parseQuantity(container.resources?.limits?.cpu);
  const declared = simQuantity(pod, ANNOTATIONS.cpuUsage, container.name);
  if (declared !== undefined) {
    if (limit !== undefined && declared >= limit) return limit * jitter(key, 0.01) * 0.99;
    return declared * jitter(key, 0.03);
  }
  const request = parseQuantity(container.resources?.requests?.cpu);
  const base = request !== undefined ? request * 0.3 : 0.002;
  return Math.min(base * jitter(key, 0.2), (limit ?? Number.POSITIVE_INFINITY) * 0.9);
}

/** The containers of a pod that are running now (the only ones a cgroup can be read for). */
function runningContainers(pod: Pod): Container[] {
  const running = new Set(
    (pod.status?.containerStatuses ?? [])
      .filter((status) => status.state?.running)
      .map((status) => status.name),
  );
  return (pod.spec?.containers ?? []).filter((container) => running.has(container.name));
}

/** The scrape time: the simulated now, to the second (metrics-server stamps whole scrapes). */
function scrapeTime(view: MetricsView): string {
  return new Date(Math.floor(Date.parse(view.now()) / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** PodMetrics of every pod with a running container, optionally in one namespace. */
export function podMetrics(view: MetricsView, namespace?: string): PodMetrics[] {
  const timestamp = scrapeTime(view);
  const result: PodMetrics[] = [];
  for (const object of view.list("Pod", namespace)) {
    const pod = object as Pod;
    if (pod.metadata.deletionTimestamp || pod.status?.phase !== "Running") continue;
    const containers = runningContainers(pod);
    if (containers.length === 0) continue;
    result.push({
      kind: "PodMetrics",
      apiVersion: "metrics.k8s.io/v1beta1",
      metadata: {
        name: pod.metadata.name ?? "",
        namespace: pod.metadata.namespace ?? "",
        creationTimestamp: timestamp,
        ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}),
      },
      timestamp,
      window: METRICS_WINDOW,
      containers: containers.map((container) => ({
        name: container.name,
        usage: {
          cpu: nanocores(containerCpu(pod, container)),
          memory: kibibytes(containerMemory(pod, container)),
        },
      })),
    });
  }
  return result;
}

/**
 * NodeMetrics of every Ready node: the sum of its running pods plus the system's own share
 * (kubelet, runtime, OS: 5% of allocatable memory + 300Mi, 80m CPU), unless the Node declares
 * `triage.sim/memory-usage` / `triage.sim/cpu-usage` itself (a node under pressure).
 */
export function nodeMetrics(view: MetricsView): NodeMetrics[] {
  const timestamp = scrapeTime(view);
  // One pass over the pods, summed per node, so the cost is O(pods + nodes).
  const used = new Map<string, { memory: number; cpu: number }>();
  for (const object of view.list("Pod")) {
    const pod = object as Pod;
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || pod.metadata.deletionTimestamp) continue;
    const sum = used.get(nodeName) ?? { memory: 0, cpu: 0 };
    for (const container of runningContainers(pod)) {
      sum.memory += containerMemory(pod, container);
      sum.cpu += containerCpu(pod, container);
    }
    used.set(nodeName, sum);
  }
  const result: NodeMetrics[] = [];
  for (const object of view.list("Node")) {
    const node = object as Node;
    const name = node.metadata.name ?? "";
    const ready = node.status?.conditions?.find((condition) => condition.type === "Ready");
    if (ready?.status !== "True") continue; // an unreachable kubelet cannot be scraped
    let { memory, cpu } = used.get(name) ?? { memory: 0, cpu: 0 };
    const allocatable = parseQuantity(node.status?.allocatable?.memory) ?? 0;
    memory += allocatable * 0.05 + 300 * MI;
    cpu += 0.08;
    const declaredMemory = simQuantity(node as KubeObject, ANNOTATIONS.memoryUsage);
    const declaredCpu = simQuantity(node as KubeObject, ANNOTATIONS.cpuUsage);
    result.push({
      kind: "NodeMetrics",
      apiVersion: "metrics.k8s.io/v1beta1",
      metadata: {
        name,
        creationTimestamp: timestamp,
        ...(node.metadata.labels ? { labels: node.metadata.labels } : {}),
      },
      timestamp,
      window: METRICS_WINDOW,
      usage: {
        cpu: nanocores(declaredCpu ?? cpu),
        memory: kibibytes(declaredMemory ?? memory),
      },
    });
  }
  return result;
}
