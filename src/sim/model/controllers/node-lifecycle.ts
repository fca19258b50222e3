import type { Condition, Node, Pod } from "../../../domain/kube.js";
import { ANNOTATIONS, simAnnotation } from "../annotations.js";
import type { Cluster } from "../cluster.js";
import { isTerminal, nodeReadiness } from "../nodes.js";
import { jsonEqual } from "../util/equal.js";
import type { Taint } from "../util/selectors.js";
import { formatTime, parseTime } from "../util/time.js";

const NOT_READY = "node.kubernetes.io/not-ready";
const UNREACHABLE = "node.kubernetes.io/unreachable";
const UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
const MANAGED = new Set([NOT_READY, UNREACHABLE, UNSCHEDULABLE]);

const READY_TEXT: Record<string, { reason: string; message: string }> = {
  True: { reason: "KubeletReady", message: "kubelet is posting ready status" },
  False: {
    reason: "KubeletNotReady",
    message:
      "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
  },
  Unknown: { reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." },
};

/** Applies `triage.sim/node-ready` (True/False/Unknown) to the node's Ready condition. */
function declaredReadiness(cluster: Cluster, node: Node): boolean {
  const raw = simAnnotation(node, ANNOTATIONS.nodeReady)?.trim().toLowerCase();
  const wanted =
    raw === "true" ? "True" : raw === "false" ? "False" : raw === "unknown" ? "Unknown" : undefined;
  if (!wanted || nodeReadiness(node) === wanted) return false;
  const conditions = (node.status?.conditions ?? []).filter((condition) => condition.type !== "Ready");
  const text = READY_TEXT[wanted] ?? { reason: "", message: "" };
  conditions.push({
    type: "Ready",
    status: wanted,
    ...text,
    lastHeartbeatTime: cluster.now,
    lastTransitionTime: cluster.now,
  });
  node.status = { ...node.status, conditions };
  return true;
}

/** Seconds the pod tolerates a NoExecute taint: undefined = forever, 0 = not at all. */
function toleranceSeconds(pod: Pod, taint: string): number | undefined {
  const toleration = (pod.spec.tolerations ?? []).find(
    (entry) =>
      (entry.key === taint || (!entry.key && entry.operator === "Exists")) &&
      (!entry.effect || entry.effect === "NoExecute"),
  );
  if (!toleration) return 0;
  return toleration.tolerationSeconds;
}

/** Marks the node's pods not Ready and evicts the ones whose toleration ran out. */
function handleUnhealthyNode(
  cluster: Cluster,
  node: Node,
  taint: string,
  sinceMs: number,
  nodeChanged: boolean,
): void {
  const nodeSource = { component: "node-controller" };
  if (nodeChanged || !cluster.sameInstant)
    cluster.events.timeline(
      node,
      "Normal",
      "NodeNotReady",
      `Node ${node.metadata.name} status is now: NodeNotReady`,
      nodeSource,
      { count: 1, firstMs: sinceMs },
    );
  for (const pod of cluster.podsOn(node.metadata.name ?? "")) {
    if (isTerminal(pod) || pod.metadata.deletionTimestamp) continue;
    let changed = false;
    const conditions: Condition[] = (pod.status?.conditions ?? []).map((condition) => {
      if (condition.type !== "Ready" || condition.status === "False") return condition;
      changed = true;
      return { ...condition, status: "False", lastTransitionTime: formatTime(sinceMs) };
    });
    if (changed) {
      pod.status = { ...pod.status, conditions };
      cluster.events.timeline(pod, "Warning", "NodeNotReady", "Node is not ready", nodeSource, {
        count: 1,
        firstMs: sinceMs,
      });
    }
    const seconds = toleranceSeconds(pod, taint);
    if (seconds !== undefined && cluster.nowMs >= sinceMs + seconds * 1000) {
      pod.metadata.deletionTimestamp = formatTime(sinceMs + seconds * 1000);
      pod.metadata.deletionGracePeriodSeconds = 30;
      cluster.events.timeline(
        pod,
        "Normal",
        "TaintManagerEviction",
        `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`,
        { component: "taint-eviction-controller" },
        { count: 1, firstMs: sinceMs + seconds * 1000 },
      );
      changed = true;
    }
    if (changed) cluster.save(pod);
  }
}

/**
 * The node lifecycle controller: taints NotReady nodes (not-ready for Ready=False, unreachable
 * for Unknown; unschedulable for cordoned ones), marks their pods not Ready, and evicts pods
 * once their NoExecute toleration (300s by default) runs out — they stay Terminating, as
 * nothing on the node can confirm the deletion.
 */
export function runNodeLifecycle(cluster: Cluster): void {
  for (const node of [...cluster.nodes.values()]) {
    let changed = declaredReadiness(cluster, node);
    const readiness = nodeReadiness(node);
    const ready = node.status?.conditions?.find((condition) => condition.type === "Ready");
    const sinceMs = Math.min(parseTime(ready?.lastTransitionTime) ?? cluster.nowMs, cluster.nowMs);
    const existing = (node.spec?.taints ?? []) as (Taint & { timeAdded?: string })[];
    const taints = existing.filter((taint) => !MANAGED.has(taint.key));
    const keepTime = (key: string, effect: string) =>
      existing.find((taint) => taint.key === key && taint.effect === effect)?.timeAdded ??
      formatTime(sinceMs);
    const unhealthy = readiness === "False" ? NOT_READY : readiness === "Unknown" ? UNREACHABLE : undefined;
    if (node.spec?.unschedulable)
      taints.push({
        key: UNSCHEDULABLE,
        effect: "NoSchedule",
        timeAdded: keepTime(UNSCHEDULABLE, "NoSchedule"),
      });
    if (unhealthy) {
      taints.push({ key: unhealthy, effect: "NoSchedule", timeAdded: keepTime(unhealthy, "NoSchedule") });
      taints.push({ key: unhealthy, effect: "NoExecute", timeAdded: keepTime(unhealthy, "NoExecute") });
    }
    if (!jsonEqual(existing, taints)) {
      node.spec = { ...node.spec };
      if (taints.length > 0) node.spec.taints = taints;
      else delete node.spec.taints;
      changed = true;
    }
    if (changed) cluster.save(node);
    if (unhealthy) handleUnhealthyNode(cluster, node, unhealthy, sinceMs, changed);
  }
}
