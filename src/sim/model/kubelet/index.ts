import type { Pod, PodStatus } from "../../../domain/kube.js";
import { COMPUTED_STATUS_ANNOTATION, COMPUTED_STATUS_VALUE } from "../annotations.js";
import type { Cluster } from "../cluster.js";
import { allocatePodIP, isNodeReady, isTerminal } from "../nodes.js";
import { jsonEqual } from "../util/equal.js";
import { parseTime } from "../util/time.js";
import { computePodStatus } from "./pod-status.js";

/** True when the model computes this pod's status (see the status rule in src/sim/README.md). */
export function isComputed(pod: Pod): boolean {
  if (pod.metadata.annotations?.[COMPUTED_STATUS_ANNOTATION] === COMPUTED_STATUS_VALUE) return true;
  const status = pod.status;
  if (!status) return true;
  const given =
    (status.conditions?.length ?? 0) > 0 ||
    (status.containerStatuses?.length ?? 0) > 0 ||
    (status.initContainerStatuses?.length ?? 0) > 0 ||
    (status.phase !== undefined && status.phase !== "Pending");
  return !given;
}

/**
 * The kubelets: confirm deletions of pods whose node can (or need not) confirm them, and bring
 * the status of every computed pod on a Ready node up to date. Pods on NotReady nodes keep their
 * last status (their kubelet is gone); pods whose status came from a state file keep it.
 */
export function runKubelets(cluster: Cluster): void {
  for (const pod of [...cluster.pods.values()]) {
    const nodeName = pod.spec?.nodeName;
    const node = nodeName ? cluster.nodes.get(nodeName) : undefined;
    if (pod.metadata.deletionTimestamp) {
      if (!nodeName || isNodeReady(node) || isTerminal(pod)) cluster.delete(pod);
      continue;
    }
    if (!nodeName || !node || !isNodeReady(node) || !isComputed(pod) || isTerminal(pod)) continue;
    const scheduled = pod.status?.conditions?.find((entry) => entry.type === "PodScheduled");
    const scheduledMs =
      parseTime(scheduled?.lastTransitionTime) ?? parseTime(pod.metadata.creationTimestamp) ?? cluster.nowMs;
    const podIP = pod.status?.podIP ?? allocatePodIP(cluster, node, pod);
    const context = { node, podIP, scheduledMs: Math.min(scheduledMs, cluster.nowMs) };
    const marked = pod.metadata.annotations?.[COMPUTED_STATUS_ANNOTATION] === COMPUTED_STATUS_VALUE;
    let status: PodStatus;
    if (marked && cluster.sameInstant) {
      // Unchanged at an instant whose events are already derived: nothing to record.
      cluster.events.muted = true;
      try {
        status = computePodStatus(cluster, pod, context);
      } finally {
        cluster.events.muted = false;
      }
      if (jsonEqual(pod.status, status)) continue;
    }
    status = computePodStatus(cluster, pod, context);
    if (marked && jsonEqual(pod.status, status)) continue;
    pod.status = status;
    pod.metadata.annotations = {
      ...pod.metadata.annotations,
      [COMPUTED_STATUS_ANNOTATION]: COMPUTED_STATUS_VALUE,
    };
    cluster.save(pod);
  }
}
