import type { KubeObject } from "../../domain/kube.js";
import type { ResourceRef } from "../../domain/types.js";
import { workloadAvailability } from "../availability.js";
import type { TriageContext } from "../context.js";
import { podsOf } from "../context.js";
import { refOf } from "../owners.js";

/** Workloads in scope that `belongs` says are managed by one release or GitOps object. */
export function managedWorkloads(
  ctx: TriageContext,
  belongs: (object: KubeObject) => boolean,
): { ref: ResourceRef; line: string; unhealthyPods: ResourceRef[] }[] {
  const lists: [string, KubeObject[]][] = [
    ["Deployment", ctx.snapshot.deployments],
    ["StatefulSet", ctx.snapshot.statefulSets],
    ["DaemonSet", ctx.snapshot.daemonSets],
  ];
  const out: { ref: ResourceRef; line: string; unhealthyPods: ResourceRef[] }[] = [];
  for (const [kind, list] of lists) {
    for (const object of list) {
      if (!ctx.inScope(object.metadata.namespace) || !belongs(object)) continue;
      const ref = refOf(kind, object);
      const availability = workloadAvailability(ctx, ref);
      const unhealthyPods = podsOf(ctx, ref)
        .filter((view) => !view.healthy)
        .map((view) => view.ref);
      const state = availability
        ? `${availability.available}/${availability.desired} available`
        : "status unknown";
      out.push({ ref, line: `${kind} ${ref.namespace}/${ref.name}: ${state}`, unhealthyPods });
    }
  }
  return out;
}
