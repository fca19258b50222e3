import type { PodTemplateSpec, Workload } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import { fnv32a, safeEncode, uidFrom } from "../util/hash.js";
import { matchesSelector } from "../util/selectors.js";
import { formatTime, parseTime } from "../util/time.js";
import { templateKey } from "./template.js";
import {
  activePods,
  controllerUid,
  creationTimeFor,
  desiredReplicas,
  isPodReady,
  isUnobserved,
} from "./workloads.js";

const SOURCE = { component: "deployment-controller" };
export const REVISION = "deployment.kubernetes.io/revision";
const HASH_LABEL = "pod-template-hash";

export { withoutHash } from "./template.js";

/** The pod-template-hash of a Deployment template (FNV-32a, safe-encoded, like ComputeHash). */
export function templateHash(template: PodTemplateSpec, collisionCount = 0): string {
  return safeEncode(fnv32a(templateKey(template) + (collisionCount > 0 ? String(collisionCount) : "")));
}

/** The revision annotation as a number (0 when absent). */
export function revisionOf(object: { metadata: { annotations?: Record<string, string> } }): number {
  const value = Number(object.metadata.annotations?.[REVISION]);
  return Number.isInteger(value) ? value : 0;
}

/** The ReplicaSet whose template equals the Deployment's, ignoring the hash label. */
export function currentReplicaSet(deployment: Workload, owned: Workload[]): Workload | undefined {
  const wanted = templateKey(deployment.spec.template);
  return owned.find((rs) => templateKey(rs.spec.template) === wanted);
}

function newReplicaSet(
  cluster: Cluster,
  deployment: Workload,
  owned: Workload[],
  revision: number,
): Workload {
  const collision = (deployment.status as { collisionCount?: number } | undefined)?.collisionCount ?? 0;
  let hash = templateHash(deployment.spec.template, collision);
  const taken = new Set(owned.map((rs) => rs.metadata.name));
  for (let extra = 1; taken.has(`${deployment.metadata.name}-${hash}`); extra++) {
    hash = templateHash(deployment.spec.template, collision + extra);
  }
  const labels = { ...deployment.spec.template.metadata?.labels, [HASH_LABEL]: hash };
  const progressing = deployment.status?.conditions?.find((condition) => condition.type === "Progressing");
  // A shorthand Deployment was rolled out when its status says (else when it was created).
  const rolledOutMs = parseTime(progressing?.lastUpdateTime ?? progressing?.lastTransitionTime);
  const createdMs =
    isUnobserved(deployment) && rolledOutMs !== undefined
      ? Math.min(rolledOutMs, cluster.nowMs)
      : owned.length === 0
        ? creationTimeFor(cluster, deployment)
        : cluster.nowMs;
  const desired = String(desiredReplicas(deployment));
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      namespace: deployment.metadata.namespace,
      labels,
      annotations: {
        "deployment.kubernetes.io/desired-replicas": desired,
        "deployment.kubernetes.io/max-replicas": desired,
        [REVISION]: String(revision),
      },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: deployment.metadata.name ?? "",
          uid: deployment.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      creationTimestamp: formatTime(createdMs),
      uid: uidFrom(`ReplicaSet/${deployment.metadata.uid}/${hash}/${cluster.now}`),
    },
    spec: {
      replicas: 0,
      selector: {
        ...deployment.spec.selector,
        matchLabels: { ...deployment.spec.selector?.matchLabels, [HASH_LABEL]: hash },
      },
      template: { ...deployment.spec.template, metadata: { ...deployment.spec.template.metadata, labels } },
    },
  };
}

function scale(cluster: Cluster, deployment: Workload, rs: Workload, replicas: number): Workload {
  const from = rs.spec.replicas ?? 0;
  if (from === replicas) return rs;
  rs.spec.replicas = replicas;
  rs.metadata.annotations = {
    ...rs.metadata.annotations,
    "deployment.kubernetes.io/desired-replicas": String(replicas),
  };
  const stored = cluster.save(rs);
  const direction = replicas > from ? "up" : "down";
  cluster.events.occurredAt(
    deployment,
    "Normal",
    "ScalingReplicaSet",
    `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
    SOURCE,
    // A ReplicaSet no controller has reported on yet was just made: date its first scale-up with it.
    from === 0 && isUnobserved(rs)
      ? (parseTime(rs.metadata.creationTimestamp) ?? cluster.nowMs)
      : cluster.nowMs,
  );
  return stored;
}

/** ReplicaSets by their controller's uid, and the ones without a controller by namespace. */
export function groupByController(replicaSets: Workload[]): {
  byOwner: Map<string, Workload[]>;
  orphans: Map<string, Workload[]>;
} {
  const byOwner = new Map<string, Workload[]>();
  const orphans = new Map<string, Workload[]>();
  for (const rs of replicaSets) {
    const owner = controllerUid(rs);
    const map = owner ? byOwner : orphans;
    const key = owner ?? rs.metadata.namespace ?? "";
    const group = map.get(key);
    if (group) group.push(rs);
    else map.set(key, [rs]);
  }
  return { byOwner, orphans };
}

/**
 * The Deployment controller: adopts matching orphan ReplicaSets, makes the ReplicaSet for the
 * current template (a new one with the next revision, or an old one brought back by a rollback,
 * which also gets the next revision), scales it to `spec.replicas` and scales the old ones to 0
 * once the new pods are ready (Recreate: first), pruning history beyond revisionHistoryLimit.
 * Returns every ReplicaSet as it stands afterwards.
 */
export function runDeployments(
  cluster: Cluster,
  deployments: Workload[],
  replicaSets: Workload[],
): Workload[] {
  const result = new Map(replicaSets.map((rs) => [`${rs.metadata.namespace}/${rs.metadata.name}`, rs]));
  const put = (rs: Workload) => result.set(`${rs.metadata.namespace}/${rs.metadata.name}`, rs);
  const { byOwner, orphans } = groupByController(replicaSets);
  for (const deployment of deployments) {
    if (deployment.metadata.deletionTimestamp) continue;
    const uid = deployment.metadata.uid ?? "";
    const owned = byOwner.get(uid) ?? [];
    byOwner.set(uid, owned);
    const namespace = deployment.metadata.namespace ?? "";
    for (const orphan of orphans.get(namespace) ?? []) {
      if (controllerUid(orphan) || !matchesSelector(orphan.metadata.labels, deployment.spec.selector))
        continue;
      orphan.metadata.ownerReferences = [
        ...(orphan.metadata.ownerReferences ?? []),
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: deployment.metadata.name ?? "",
          uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ];
      owned.push(orphan);
      put(cluster.save(orphan));
    }
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    let current = currentReplicaSet(deployment, owned);
    if (!current) {
      // A shorthand Deployment states its revision; its first ReplicaSet takes it.
      const stated = isUnobserved(deployment) ? revisionOf(deployment) : 0;
      current = cluster.save(newReplicaSet(cluster, deployment, owned, Math.max(maxRevision + 1, stated)));
      owned.push(current);
    } else if (revisionOf(current) < maxRevision || revisionOf(current) === 0) {
      // A rollback: the old ReplicaSet is current again, under the next revision number.
      const history = [
        current.metadata.annotations?.["deployment.kubernetes.io/revision-history"],
        String(revisionOf(current)),
      ]
        .filter((entry) => entry && entry !== "0")
        .join(",");
      current.metadata.annotations = {
        ...current.metadata.annotations,
        [REVISION]: String(maxRevision + 1),
        ...(history ? { "deployment.kubernetes.io/revision-history": history } : {}),
      };
      current = cluster.save(current);
    }
    put(current);
    const revision = String(revisionOf(current));
    if (deployment.metadata.annotations?.[REVISION] !== revision) {
      deployment.metadata.annotations = { ...deployment.metadata.annotations, [REVISION]: revision };
      cluster.save(deployment);
    }
    if (deployment.spec.paused) continue;
    const desired = desiredReplicas(deployment);
    const old = owned.filter((rs) => rs !== current && rs.metadata.name !== current?.metadata.name);
    const recreate = (deployment.spec.strategy as { type?: string } | undefined)?.type === "Recreate";
    if (recreate) {
      for (const rs of old) put(scale(cluster, deployment, rs, 0));
      if (old.every((rs) => activePods(cluster, rs).length === 0))
        put(scale(cluster, deployment, current, desired));
    } else {
      current = scale(cluster, deployment, current, desired);
      put(current);
      const ready = activePods(cluster, current).filter(isPodReady).length;
      if (ready >= desired) for (const rs of old) put(scale(cluster, deployment, rs, 0));
    }
    const limit = deployment.spec.revisionHistoryLimit ?? 10;
    const retired = old
      .filter(
        (rs) =>
          (result.get(`${rs.metadata.namespace}/${rs.metadata.name}`)?.spec.replicas ?? 0) === 0 &&
          activePods(cluster, rs).length === 0,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of retired.slice(0, Math.max(0, retired.length - limit))) {
      cluster.delete(rs);
      result.delete(`${rs.metadata.namespace}/${rs.metadata.name}`);
    }
  }
  return [...result.values()];
}
