import type { KubeObject } from "../domain/kube.js";
import type { MetricsServerStatus, NodeMetrics, PodMetrics } from "../domain/metrics.js";
import { ClusterError, errorMessage } from "../errors.js";
import type { ClusterReader } from "./reader.js";
import { redactObjectInPlace } from "./redact.js";

/**
 * The resource metrics API (`metrics.k8s.io/v1beta1`, served by metrics-server through an
 * APIService): its paths, and the optional part of a snapshot it fills. A cluster without
 * metrics-server answers 404 (group not registered) or 503 (APIService unavailable); that is no
 * error, only "no usage data", and the evidence says so.
 */

export const METRICS_GROUP_VERSION = "metrics.k8s.io/v1beta1";

/** `/apis/metrics.k8s.io/v1beta1[/namespaces/<ns>]/<pods|nodes>`. */
export function metricsPath(resource: "pods" | "nodes", namespace?: string): string {
  const scope = resource === "pods" && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `/apis/${METRICS_GROUP_VERSION}${scope}/${resource}`;
}

/** Gives list items the kind the server leaves out, and redacts them like every other object. */
export function normalizeMetrics(items: readonly KubeObject[], resource: "pods" | "nodes"): KubeObject[] {
  const kind = resource === "pods" ? "PodMetrics" : "NodeMetrics";
  return items.map((item) => {
    item.kind ??= kind;
    item.apiVersion ??= METRICS_GROUP_VERSION;
    return redactObjectInPlace(item);
  });
}

/** True for the answers that mean "this cluster has no (working) metrics-server". */
function notServed(error: unknown): boolean {
  if (!(error instanceof ClusterError)) return false;
  return error.code === "NOT_FOUND" || error.status === 503;
}

/** What one read of the metrics API gave: the lists, or why there are none. */
export interface MetricsRead {
  podMetrics?: PodMetrics[];
  nodeMetrics?: NodeMetrics[];
  status: MetricsServerStatus;
  /** A failure that is not "absent" (forbidden, timeout): the collector turns it into a gap. */
  error?: unknown;
}

/**
 * Reads PodMetrics (in `namespace`, or all) and NodeMetrics. Absent metrics-server → a status
 * saying so and no lists; an unreachable cluster or a cancelled run stays an error.
 */
export async function readMetrics(
  reader: ClusterReader,
  namespace: string | undefined,
  signal?: AbortSignal,
): Promise<MetricsRead> {
  if (!reader.metrics) {
    return {
      status: { available: false, message: "metrics-server not read (this reader has no metrics API)" },
    };
  }
  const withSignal = signal ? { signal } : {};
  try {
    const [pods, nodes] = await Promise.all([
      reader.metrics("pods", { ...(namespace ? { namespace } : {}), ...withSignal }),
      reader.metrics("nodes", withSignal),
    ]);
    return {
      podMetrics: pods as PodMetrics[],
      nodeMetrics: nodes as NodeMetrics[],
      status: {
        available: true,
        message: `${METRICS_GROUP_VERSION} answered: ${pods.length} pod${pods.length === 1 ? "" : "s"}, ${nodes.length} node${nodes.length === 1 ? "" : "s"}`,
      },
    };
  } catch (error) {
    if (error instanceof ClusterError && (error.code === "CLUSTER_UNREACHABLE" || error.code === "ABORTED")) {
      throw error;
    }
    const message = `metrics-server not available: ${errorMessage(error)}`;
    if (notServed(error)) return { status: { available: false, message } };
    return { status: { available: false, message }, error };
  }
}
