import type { KubeEvent, KubeObject, Workload } from "../../domain/kube.js";
import type { ResourceRef } from "../../domain/types.js";
import type { TriageContext } from "../context.js";
import { type Ownership, refOf } from "../owners.js";
import { objectKey } from "../snapshot-index.js";
import { supersededBy } from "../superseded.js";

const CONTROLLER_KINDS = ["ReplicaSet", "StatefulSet", "DaemonSet", "Job", "Deployment", "CronJob"];

/** A controller's Warning event, resolved to the workload an operator knows. */
export interface ControllerEvent {
  event: KubeEvent;
  /** The involved controller object (ReplicaSet, StatefulSet…). */
  object: KubeObject;
  owner: Ownership;
  workload: ResourceRef;
}

/** True while the controller is short of the replicas it wants (its warnings are current). */
function shortOfReplicas(kind: string, object: KubeObject): boolean {
  const status = (object as Workload).status;
  const desired = (object as Workload).spec?.replicas;
  if (kind === "ReplicaSet" || kind === "StatefulSet") return (status?.replicas ?? 0) < (desired ?? 1);
  if (kind === "Deployment") return (status?.availableReplicas ?? 0) < (desired ?? 1);
  if (kind === "Job") {
    const job = object as {
      status?: { succeeded?: number; conditions?: { type: string; status: string }[] };
    };
    return !job.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True");
  }
  return true;
}

/**
 * A dump without ReplicaSets still has their events: `<deployment>-<pod-template-hash>` names the
 * Deployment, which then stands in for its ReplicaSet (its own replica counts say whether the
 * warning is current).
 */
function deploymentOfMissingReplicaSet(
  ctx: TriageContext,
  namespace: string | undefined,
  name: string | undefined,
): KubeObject | undefined {
  const match = /^(.+)-[a-z0-9]{5,10}$/.exec(name ?? "");
  if (!match?.[1]) return undefined;
  const deployment = ctx.index.byKey.get(objectKey("Deployment", namespace, match[1]));
  return deployment;
}

/**
 * Warning events on controllers in scope whose message matches `pattern`, kept while the
 * controller is still short of replicas and no later success answered them (old FailedCreate
 * storms of a healthy ReplicaSet are history).
 */
export function controllerEvents(ctx: TriageContext, pattern: RegExp): ControllerEvent[] {
  const found: ControllerEvent[] = [];
  for (const event of ctx.snapshot.events) {
    const involved = event.involvedObject;
    const kind = involved.kind ?? "";
    if (event.type !== "Warning" || !CONTROLLER_KINDS.includes(kind)) continue;
    const namespace = involved.namespace ?? event.metadata.namespace;
    if (!ctx.inScope(namespace) || !pattern.test(event.message ?? "")) continue;
    const recorded = ctx.index.byKey.get(objectKey(kind, namespace, involved.name));
    const stand = recorded
      ? undefined
      : kind === "ReplicaSet"
        ? deploymentOfMissingReplicaSet(ctx, namespace, involved.name)
        : undefined;
    const object = recorded ?? stand;
    if (!object || !shortOfReplicas(stand ? "Deployment" : kind, object)) continue;
    // FailedCreate answered by a later SuccessfulCreate (the ServiceAccount exists now) is history.
    const sameObject = ctx.index.eventsByObject.get(objectKey(kind, namespace, involved.name)) ?? [];
    if (supersededBy(event, sameObject, recorded)) continue;
    const owner = stand
      ? { workload: refOf("Deployment", stand), workloadObject: stand, current: true }
      : ctx.owners.resolve(kind, object);
    if (!owner.current) continue;
    found.push({ event, object, owner, workload: owner.workload });
  }
  return found;
}
