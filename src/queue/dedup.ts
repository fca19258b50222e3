import type { Trigger } from "../domain/investigation.js";
import type { ResourceRef } from "../domain/types.js";

/**
 * Alert storms collapse into one investigation per workload: the key is the namespace plus the
 * workload a trigger names (pods and ReplicaSets are folded into their likely owner by name), or
 * the namespace alone when no target is known.
 */

// Pods of a Deployment are named <deployment>-<pod-template-hash>-<5 chars>; the hash is 6-10
// characters of a restricted alphabet (no vowels), which keeps "my-app-1" style names intact.
const DEPLOYMENT_POD = /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/;
const REPLICASET = /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{6,10}$/;
const STATEFUL_POD = /^(.+)-\d+$/;

/** The workload most likely to own `ref`, judged by Kubernetes' naming conventions only. */
export function owningWorkload(ref: ResourceRef): ResourceRef {
  if (ref.kind === "Pod") {
    const deployment = DEPLOYMENT_POD.exec(ref.name);
    if (deployment?.[1]) return { kind: "Deployment", namespace: ref.namespace, name: deployment[1] };
    const stateful = STATEFUL_POD.exec(ref.name);
    if (stateful?.[1]) return { kind: "StatefulSet", namespace: ref.namespace, name: stateful[1] };
  }
  if (ref.kind === "ReplicaSet") {
    const deployment = REPLICASET.exec(ref.name);
    if (deployment?.[1]) return { kind: "Deployment", namespace: ref.namespace, name: deployment[1] };
  }
  return ref;
}

/** The key under which concurrent triggers share one investigation. */
export function dedupKeyFor(trigger: Pick<Trigger, "namespace" | "target">): string {
  const namespace = trigger.target?.namespace || trigger.namespace;
  if (!trigger.target) return `ns/${namespace}`;
  const workload = owningWorkload({ ...trigger.target, namespace });
  return `wl/${namespace}/${workload.kind}/${workload.name}`;
}
