import type { ResourceRef } from "../domain/types.js";
import type { TriageContext } from "./context.js";
import { podHealthy } from "./pod-view.js";
import { objectKey } from "./snapshot-index.js";
import { type Availability, availabilityOf } from "./workloads.js";

/**
 * Desired and available replicas of a workload. Ready pods are counted when the snapshot has the
 * workload's pods (old ReplicaSets included: they still serve during a rollout), because the API
 * omits zero counts from status and hand-written state files often omit status altogether.
 */
export function workloadAvailability(ctx: TriageContext, ref: ResourceRef): Availability | undefined {
  const memoKey = `availability:${objectKey(ref.kind, ref.namespace, ref.name)}`;
  if (ctx.memo.has(memoKey)) return ctx.memo.get(memoKey) as Availability | undefined;
  const result = computeAvailability(ctx, ref);
  ctx.memo.set(memoKey, result);
  return result;
}

function computeAvailability(ctx: TriageContext, ref: ResourceRef): Availability | undefined {
  const object = ctx.index.byKey.get(objectKey(ref.kind, ref.namespace, ref.name));
  const fromStatus = availabilityOf(ref.kind, object);
  if (!object || !fromStatus) return undefined;
  const controllers = ref.kind === "Deployment" ? ctx.owners.replicaSetsOf(object) : [object];
  let pods = 0;
  let ready = 0;
  for (const controller of controllers) {
    const uid = controller.metadata.uid;
    for (const pod of uid ? (ctx.index.podsByControllerUid.get(uid) ?? []) : []) {
      pods += 1;
      if (podHealthy(pod) && pod.status?.phase === "Running") ready += 1;
    }
  }
  return pods > 0 ? { desired: fromStatus.desired, available: ready } : fromStatus;
}

/** True when a workload that should run has nothing available. */
export function isDown(a: Availability | undefined): boolean {
  return a !== undefined && a.desired > 0 && a.available === 0;
}

/** True when a workload runs short of its desired replicas. */
export function isDegraded(a: Availability | undefined): boolean {
  return a !== undefined && a.available < a.desired;
}
