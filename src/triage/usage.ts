import type { KubeObject } from "../domain/kube.js";
import type { NodeMetrics, PodMetrics } from "../domain/metrics.js";
import type { ResourceRef } from "../domain/types.js";
import { podsOf, type TriageContext } from "./context.js";
import { formatMemory, parseQuantity } from "./quantity.js";
import { objectKey } from "./snapshot-index.js";

/**
 * What the snapshot says a container or node uses, from the best sources it holds: metrics-server
 * (the working set now), Prometheus' peak over the last hour (`snapshot.prometheus.peakMemoryBytes`), and the
 * need a scenario declares. Pure; every number carries the line that says where it came from.
 */

/** One measurement of a container's memory, with its source in words. */
export interface MemoryEvidence {
  bytes: number;
  source: "metrics-server" | "declared" | string;
  /** `analytics-service-7f…/analytics-service working set 124Mi (metrics-server, 15s window at 14:30:00Z)`. */
  line: string;
}

/** The annotation with which a simulated scenario declares a container's real memory need. */
const DECLARED_MEMORY = "triage.sim/memory-usage";

// Indexed once per snapshot: a 50,000-pod cluster has as many PodMetrics, and every failing pod
// of every cause looks its own up (a linear search each made the triage quadratic).
const podMetricsIndex = new WeakMap<readonly PodMetrics[], Map<string, PodMetrics>>();
const nodeMetricsIndex = new WeakMap<readonly NodeMetrics[], Map<string, NodeMetrics>>();

function indexed<T>(
  cache: WeakMap<readonly T[], Map<string, T>>,
  items: readonly T[],
  keyOf: (item: T) => string,
): Map<string, T> {
  let index = cache.get(items);
  if (!index) {
    index = new Map();
    for (const item of items) {
      const key = keyOf(item);
      // The first report wins, as a linear search would have found it.
      if (!index.has(key)) index.set(key, item);
    }
    cache.set(items, index);
  }
  return index;
}

const podKey = (item: PodMetrics) => `${item.metadata.namespace ?? ""}/${item.metadata.name ?? ""}`;

/** The PodMetrics of one pod, when metrics-server reported it. */
export function podMetricsFor(ctx: TriageContext, namespace: string, pod: string): PodMetrics | undefined {
  const all = ctx.snapshot.podMetrics;
  return all ? indexed(podMetricsIndex, all, podKey).get(`${namespace}/${pod}`) : undefined;
}

/** The NodeMetrics of one node, when reported. */
export function nodeMetricsFor(ctx: TriageContext, node: string): NodeMetrics | undefined {
  const all = ctx.snapshot.nodeMetrics;
  return all ? indexed(nodeMetricsIndex, all, (item) => item.metadata.name ?? "").get(node) : undefined;
}

/** The workload's pod-template annotations (where a scenario declares usage). */
function templateAnnotations(object: KubeObject | undefined): Record<string, string> {
  const spec = object?.spec as
    | { template?: { metadata?: { annotations?: Record<string, string> } } }
    | undefined;
  return spec?.template?.metadata?.annotations ?? object?.metadata.annotations ?? {};
}

/**
 * Every memory measurement of `container` in `workload`'s pods, highest first: metrics-server's
 * working set per pod, the history peaks (Prometheus), and a declared need.
 */
export function memoryEvidence(
  ctx: TriageContext,
  workload: ResourceRef,
  container: string,
): MemoryEvidence[] {
  const evidence: MemoryEvidence[] = [];
  const pods = podsOf(ctx, workload).map((view) => view.pod.metadata.name ?? "");
  for (const pod of pods) {
    const metrics = podMetricsFor(ctx, workload.namespace, pod);
    const usage = metrics?.containers.find((c) => c.name === container)?.usage.memory;
    const bytes = parseQuantity(usage);
    if (metrics && bytes !== undefined) {
      evidence.push({
        bytes,
        source: "metrics-server",
        line: `${pod}/${container} working set ${formatMemory(bytes)} (metrics-server, ${metrics.window} window at ${metrics.timestamp})`,
      });
    }
  }
  // Prometheus' peak working set over the last hour (src/prometheus), when it was read: for an
  // OOM-killed container it is capped by the old limit, so it says "needs at least this".
  const peaks = ctx.snapshot.prometheus?.peakMemoryBytes ?? {};
  for (const pod of pods) {
    const bytes = peaks[`${workload.namespace}/${pod}/${container}`];
    if (bytes === undefined) continue;
    evidence.push({
      bytes,
      source: "prometheus",
      line: `${pod}/${container} peak ${formatMemory(bytes)} (prometheus, last 1h)`,
    });
  }
  const object = ctx.index.byKey.get(objectKey(workload.kind, workload.namespace, workload.name));
  const annotations = templateAnnotations(object);
  const declaredText = annotations[`${DECLARED_MEMORY}.${container}`] ?? annotations[DECLARED_MEMORY];
  const declared = parseQuantity(declaredText);
  if (declared !== undefined) {
    evidence.push({
      bytes: declared,
      source: "declared",
      line: `${container} needs ${declaredText} (declared by the scenario's ${DECLARED_MEMORY} annotation)`,
    });
  }
  return evidence.sort((a, b) => b.bytes - a.bytes);
}

/** Percent with no decimals, for evidence lines. */
export function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 100) : 0;
}
