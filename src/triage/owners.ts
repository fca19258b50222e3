import type { KubeObject, OwnerReference, Workload } from "../domain/kube.js";
import type { ResourceRef } from "../domain/types.js";
import { objectKey, type SnapshotIndex } from "./snapshot-index.js";

/** Where a pod (or ReplicaSet, Job) belongs: the workload an operator thinks in. */
export interface Ownership {
  /** Deployment, StatefulSet, DaemonSet, CronJob, Job, or the pod itself when it has no owner. */
  workload: ResourceRef;
  /** The workload object, when it is in the snapshot. */
  workloadObject?: KubeObject;
  /** The direct controller (ReplicaSet, Job…), when there is one. */
  controller?: ResourceRef;
  /** False for pods of an older ReplicaSet of a Deployment (a rollout in progress). */
  current: boolean;
}

/** The label the Deployment controller puts on its ReplicaSets' pods (the RS name's suffix). */
const POD_TEMPLATE_HASH = "pod-template-hash";

/** Where a Deployment records the revision of each of its ReplicaSets. */
export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

/** A ReplicaSet's revision number, 0 when it has none. */
export function revisionOf(object: KubeObject): number {
  const value = Number(object.metadata.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(value) && value > 0 ? value : 0;
}

/** The ResourceRef of an object listed as `kind` (list items often carry no `kind`). */
export function refOf(kind: string, object: KubeObject): ResourceRef {
  return { kind, namespace: object.metadata.namespace ?? "", name: object.metadata.name ?? "" };
}

/** Map key of a ref, the same shape as `objectKey`. */
export function refKey(ref: ResourceRef): string {
  return objectKey(ref.kind, ref.namespace, ref.name);
}

function controllerRef(object: KubeObject): OwnerReference | undefined {
  const refs = object.metadata.ownerReferences ?? [];
  return refs.find((ref) => ref.controller) ?? refs[0];
}

/** Resolves owner chains (Pod → ReplicaSet → Deployment, Pod → Job → CronJob), memoized. */
export class Owners {
  private readonly currentReplicaSet = new Map<string, string | undefined>();

  constructor(private readonly index: SnapshotIndex) {}

  private lookup(owner: OwnerReference, namespace: string): KubeObject | undefined {
    return (
      this.index.byUid.get(owner.uid)?.object ??
      this.index.byKey.get(objectKey(owner.kind, namespace, owner.name))
    );
  }

  /** The ownership of an object listed as `kind`; walks at most two levels up. */
  resolve(kind: string, object: KubeObject): Ownership {
    const namespace = object.metadata.namespace ?? "";
    const direct = controllerRef(object);
    if (!direct) return { workload: refOf(kind, object), workloadObject: object, current: true };
    const controller: ResourceRef = { kind: direct.kind, namespace, name: direct.name };
    const controllerObject = this.lookup(direct, namespace);
    if (direct.kind !== "ReplicaSet" && direct.kind !== "Job") {
      return { workload: controller, workloadObject: controllerObject, controller, current: true };
    }
    if (!controllerObject && direct.kind === "ReplicaSet") {
      const deployment = this.deploymentByHash(object, direct.name, namespace);
      if (deployment) return deployment;
    }
    const parent = controllerObject ? controllerRef(controllerObject) : undefined;
    if (!controllerObject || !parent || (parent.kind !== "Deployment" && parent.kind !== "CronJob")) {
      return { workload: controller, workloadObject: controllerObject, controller, current: true };
    }
    const workloadObject = this.lookup(parent, namespace);
    const current =
      direct.kind !== "ReplicaSet" ||
      !workloadObject ||
      this.isCurrentReplicaSet(workloadObject, controllerObject);
    return {
      workload: { kind: parent.kind, namespace, name: parent.name },
      workloadObject,
      controller,
      current,
    };
  }

  /**
   * A dump of `kubectl get deploy,pods` has no ReplicaSets: a pod's owner `<deployment>-<hash>`
   * with the pod's own `pod-template-hash` label still names its Deployment, when that is present.
   */
  private deploymentByHash(pod: KubeObject, rsName: string, namespace: string): Ownership | undefined {
    const hash = pod.metadata.labels?.[POD_TEMPLATE_HASH];
    if (!hash || !rsName.endsWith(`-${hash}`)) return undefined;
    const name = rsName.slice(0, -(hash.length + 1));
    const workloadObject = this.index.byKey.get(objectKey("Deployment", namespace, name));
    if (!workloadObject) return undefined;
    return {
      workload: { kind: "Deployment", namespace, name },
      workloadObject,
      controller: { kind: "ReplicaSet", namespace, name: rsName },
      current: true,
    };
  }

  /** The ReplicaSet with the highest revision among a Deployment's, if revisions are recorded. */
  currentReplicaSetOf(deployment: KubeObject): Workload | undefined {
    let best: Workload | undefined;
    for (const rs of this.replicaSetsOf(deployment)) {
      if (!best || revisionOf(rs) > revisionOf(best)) best = rs;
    }
    return best && revisionOf(best) > 0 ? best : undefined;
  }

  /** Every ReplicaSet the Deployment owns (its revision history). */
  replicaSetsOf(deployment: KubeObject): Workload[] {
    const uid = deployment.metadata.uid;
    return uid ? (this.index.replicaSetsByOwnerUid.get(uid) ?? []) : [];
  }

  private isCurrentReplicaSet(deployment: KubeObject, rs: KubeObject): boolean {
    const key =
      deployment.metadata.uid ??
      objectKey("Deployment", deployment.metadata.namespace, deployment.metadata.name);
    if (!this.currentReplicaSet.has(key)) {
      this.currentReplicaSet.set(key, this.currentReplicaSetOf(deployment)?.metadata.uid);
    }
    const current = this.currentReplicaSet.get(key);
    // Without revision annotations there is no telling old from new: keep every pod.
    return current === undefined || current === rs.metadata.uid;
  }
}
