import type { Condition, Workload } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import { jsonEqual } from "../util/equal.js";
import { formatTime, parseTime } from "../util/time.js";
import { currentReplicaSet, groupByController } from "./deployment.js";
import type { CreateFailures } from "./replicaset.js";
import { activePods, desiredReplicas, isPodReady } from "./workloads.js";

/** Keeps a condition's transition time when its status and reason did not change. */
function keep(previous: Condition[] | undefined, next: Condition): Condition {
  const old = previous?.find((entry) => entry.type === next.type);
  if (old && old.status === next.status && old.reason === next.reason) {
    return {
      ...next,
      lastTransitionTime: old.lastTransitionTime ?? next.lastTransitionTime,
      ...(next.lastUpdateTime && old.message === next.message
        ? { lastUpdateTime: old.lastUpdateTime ?? next.lastUpdateTime }
        : {}),
    };
  }
  return next;
}

/** ReplicaSet status from its pods, with ReplicaFailure when pod creation was refused. */
export function replicaSetStatuses(
  cluster: Cluster,
  replicaSets: Workload[],
  failures: CreateFailures,
): void {
  for (const rs of replicaSets) {
    const pods = activePods(cluster, rs);
    const ready = pods.filter(isPodReady).length;
    const failure = failures.get(rs.metadata.uid ?? "");
    const previous = rs.status?.conditions;
    const conditions = failure
      ? [
          keep(previous, {
            type: "ReplicaFailure",
            status: "True",
            reason: "FailedCreate",
            message: failure,
            lastTransitionTime: cluster.now,
          }),
        ]
      : [];
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
      ...(conditions.length > 0 ? { conditions } : {}),
    };
    if (jsonEqual(rs.status, status)) continue;
    rs.status = status;
    cluster.save(rs);
  }
}

function maxUnavailable(deployment: Workload, desired: number): number {
  const strategy = deployment.spec.strategy as
    | { type?: string; rollingUpdate?: { maxUnavailable?: number | string } }
    | undefined;
  if (strategy?.type === "Recreate") return 0;
  const value = strategy?.rollingUpdate?.maxUnavailable ?? "25%";
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value);
  return percent ? Math.floor((desired * Number(percent[1])) / 100) : Number(value) || 0;
}

const PROGRESSING_REASONS = new Set(["ReplicaSetUpdated", "NewReplicaSetCreated", "FoundNewReplicaSet"]);

/**
 * Deployment status as the deployment controller reports it: replica counts over all its
 * ReplicaSets' pods, Available (MinimumReplicasAvailable/Unavailable), Progressing
 * (ReplicaSetUpdated, NewReplicaSetAvailable, or ProgressDeadlineExceeded once the rollout made no
 * progress for progressDeadlineSeconds of simulated time) and ReplicaFailure.
 */
export function deploymentStatuses(
  cluster: Cluster,
  deployments: Workload[],
  replicaSets: Workload[],
  failures: CreateFailures,
): void {
  const { byOwner } = groupByController(replicaSets);
  for (const deployment of deployments) {
    const owned = byOwner.get(deployment.metadata.uid ?? "") ?? [];
    const current = currentReplicaSet(deployment, owned);
    if (!current) continue;
    const pods = owned.flatMap((rs) => activePods(cluster, rs));
    const updated = activePods(cluster, current);
    const ready = pods.filter(isPodReady).length;
    const updatedReady = updated.filter(isPodReady).length;
    const desired = desiredReplicas(deployment);
    const previousStatus = deployment.status;
    const previous = previousStatus?.conditions;
    const now = cluster.now;
    const available = ready >= desired - maxUnavailable(deployment, desired);
    const conditions: Condition[] = [
      keep(
        previous,
        available
          ? {
              type: "Available",
              status: "True",
              reason: "MinimumReplicasAvailable",
              message: "Deployment has minimum availability.",
              lastUpdateTime: now,
              lastTransitionTime: now,
            }
          : {
              type: "Available",
              status: "False",
              reason: "MinimumReplicasUnavailable",
              message: "Deployment does not have minimum availability.",
              lastUpdateTime: now,
              lastTransitionTime: now,
            },
      ),
    ];
    const rsName = current.metadata.name;
    const complete = updated.length === desired && updatedReady === desired && pods.length === desired;
    const old = previous?.find((entry) => entry.type === "Progressing");
    const sameRollout = old?.message?.includes(`"${rsName}"`) ?? false;
    if (complete) {
      conditions.push(
        keep(previous, {
          type: "Progressing",
          status: "True",
          reason: "NewReplicaSetAvailable",
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
          lastUpdateTime: now,
          lastTransitionTime: now,
        }),
      );
    } else if (sameRollout && old?.reason === "ProgressDeadlineExceeded") {
      conditions.push(old);
    } else {
      const createdMs = Math.min(
        parseTime(current.metadata.creationTimestamp) ?? cluster.nowMs,
        cluster.nowMs,
      );
      const progressed =
        (previousStatus?.updatedReplicas ?? 0) < updated.length ||
        (previousStatus?.availableReplicas ?? 0) < ready;
      let sinceMs =
        sameRollout && old && PROGRESSING_REASONS.has(old.reason ?? "")
          ? (parseTime(old.lastUpdateTime) ?? createdMs)
          : createdMs;
      if (progressed && sameRollout) sinceMs = cluster.nowMs;
      const deadlineMs = (deployment.spec.progressDeadlineSeconds ?? 600) * 1000;
      if (cluster.nowMs - sinceMs > deadlineMs) {
        const at = formatTime(sinceMs + deadlineMs);
        conditions.push({
          type: "Progressing",
          status: "False",
          reason: "ProgressDeadlineExceeded",
          message: `ReplicaSet "${rsName}" has timed out progressing.`,
          lastUpdateTime: at,
          lastTransitionTime: at,
        });
      } else {
        const since = formatTime(sinceMs);
        const entry: Condition = {
          type: "Progressing",
          status: "True",
          reason: "ReplicaSetUpdated",
          message: `ReplicaSet "${rsName}" is progressing.`,
          lastUpdateTime: since,
          lastTransitionTime: since,
        };
        conditions.push(
          old && old.status === "True"
            ? { ...entry, lastTransitionTime: old.lastTransitionTime ?? since }
            : entry,
        );
      }
    }
    const failure = owned
      .map((rs) => failures.get(rs.metadata.uid ?? ""))
      .find((message) => message !== undefined);
    if (failure)
      conditions.push(
        keep(previous, {
          type: "ReplicaFailure",
          status: "True",
          reason: "FailedCreate",
          message: failure,
          lastUpdateTime: now,
          lastTransitionTime: now,
        }),
      );
    const status = {
      observedGeneration: deployment.metadata.generation ?? 1,
      replicas: pods.length,
      updatedReplicas: updated.length,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(Math.max(0, pods.length - ready) > 0 || desired > ready
        ? { unavailableReplicas: Math.max(pods.length, desired) - ready }
        : {}),
      conditions,
    };
    if (jsonEqual(previousStatus, status)) continue;
    deployment.status = status;
    cluster.save(deployment);
  }
}
