import type { ResourceRef } from "../domain/types.js";

/**
 * Names the workload an event is about, so ErrImagePull, BackOff and Failed of one Deployment's
 * pods are one incident. Owner references are authoritative; the pod-name shape of a ReplicaSet
 * (`<deployment>-<hash>-<suffix>`) is only a fallback when the pod is already gone.
 */
export interface OwnerLookup {
  /** Controller owner (kind, name) of an object, or undefined when it has none or is gone. */
  ownerOf(kind: string, namespace: string, name: string): Promise<{ kind: string; name: string } | undefined>;
}

const replicaSetPod = /^(.+)-([a-z0-9]{6,10})-([a-z0-9]{5})$/;

/** Follows controller owners up to the top workload (Pod → ReplicaSet → Deployment, Job → CronJob). */
export async function owningWorkload(
  ref: ResourceRef,
  lookup: OwnerLookup,
  maxDepth = 4,
): Promise<ResourceRef> {
  let current = ref;
  for (let depth = 0; depth < maxDepth; depth++) {
    const owner = await lookup.ownerOf(current.kind, current.namespace, current.name);
    if (!owner) break;
    current = { kind: owner.kind, namespace: current.namespace, name: owner.name };
  }
  if (current === ref && ref.kind === "Pod") {
    const match = replicaSetPod.exec(ref.name);
    if (match?.[1]) return { kind: "Deployment", namespace: ref.namespace, name: match[1] };
  }
  return current;
}

/** Stable key of an incident: one per owning workload. */
export function incidentKey(workload: ResourceRef): string {
  return `${workload.namespace}/${workload.kind}/${workload.name}`;
}
