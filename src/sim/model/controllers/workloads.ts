import type { KubeObject, Pod, Workload } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import { isTerminal } from "../nodes.js";
import { parseTime } from "../util/time.js";

/** True until a controller has reported on the workload (a state file's shorthand). */
export function isUnobserved(workload: KubeObject): boolean {
  const status = workload.status as { observedGeneration?: number } | undefined;
  return status?.observedGeneration === undefined;
}

/**
 * When the objects a controller creates for `owner` now were created: a workload no controller
 * has observed yet (a scenario's shorthand) had them created with it, so a scenario can say how
 * long a failure has been going on by dating its Deployment; afterwards, now.
 */
export function creationTimeFor(cluster: Cluster, owner: KubeObject): number {
  if (!isUnobserved(owner)) return cluster.nowMs;
  return Math.min(parseTime(owner.metadata.creationTimestamp) ?? cluster.nowMs, cluster.nowMs);
}

/** Pods a controller with this uid owns that still count (not terminating, not finished). */
export function activePods(cluster: Cluster, owner: KubeObject): Pod[] {
  return cluster
    .podsOwnedBy(owner.metadata.uid)
    .filter(
      (pod) =>
        controllerUid(pod) === owner.metadata.uid && !pod.metadata.deletionTimestamp && !isTerminal(pod),
    );
}

/** uid of the pod's controller. */
export function controllerUid(object: KubeObject): string | undefined {
  return object.metadata.ownerReferences?.find((reference) => reference.controller)?.uid;
}

/** True when the pod is Ready (condition Ready True). */
export function isPodReady(pod: Pod): boolean {
  return (
    pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false
  );
}

/** Desired replicas (spec.replicas, default 1). */
export function desiredReplicas(workload: Workload): number {
  return workload.spec.replicas ?? 1;
}

/**
 * The pod to remove first when scaling down, as the ReplicaSet controller ranks them:
 * unscheduled before scheduled, pending before running, not ready before ready, newest first.
 */
export function deletionRank(a: Pod, b: Pod): number {
  const score = (pod: Pod) =>
    (pod.spec.nodeName ? 4 : 0) + (pod.status?.phase === "Running" ? 2 : 0) + (isPodReady(pod) ? 1 : 0);
  return (
    score(a) - score(b) ||
    (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "")
  );
}

/** Deletes a pod the way controllers do: at once, unless its node must confirm (then Terminating). */
export function deletePod(cluster: Cluster, pod: Pod, nodeReady: boolean): void {
  if (!pod.spec.nodeName || nodeReady || isTerminal(pod)) {
    cluster.delete(pod);
    return;
  }
  if (pod.metadata.deletionTimestamp) return;
  pod.metadata.deletionTimestamp = cluster.now;
  pod.metadata.deletionGracePeriodSeconds = 30;
  cluster.save(pod);
}
