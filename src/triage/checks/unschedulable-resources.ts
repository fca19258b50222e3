import type { Pod } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";
import { extendedShortfall } from "../extended-resources.js";
import { type Finding, makeFinding } from "../finding.js";
import type { PodView } from "../pod-view.js";
import { byWorkload, inspectCommands, label, viewsOf } from "./common.js";
import { isUnschedulable, RESOURCE_MESSAGE, STORAGE_MESSAGE, schedulingEvidence } from "./scheduling.js";

/** `requests cpu 4, memory 8Gi` summed over the pod's containers, as written in the spec. */
export function describeRequests(pod: Pod): string {
  const parts: string[] = [];
  for (const container of pod.spec.containers) {
    const requests = container.resources?.requests ?? {};
    const entries = Object.entries(requests).filter(([, v]) => v !== undefined);
    if (entries.length > 0)
      parts.push(`${container.name}: ${entries.map(([k, v]) => `${k} ${v}`).join(", ")}`);
  }
  return parts.length > 0 ? `requests ${parts.join("; ")}` : "no resource requests";
}

/** A pending pod no node took (no nodeName), whatever the capture recorded of the scheduler. */
function waitingForNode(view: PodView): boolean {
  return !view.healthy && view.phase === "Pending" && !view.pod.spec.nodeName;
}

/**
 * unschedulable-resources: the scheduler found no node with enough free cpu/memory/pods, or the
 * pod requests an extended resource (`nvidia.com/gpu`) that no node in the snapshot offers — the
 * latter read from the spec and node capacity, so it holds without a scheduler message too.
 */
export function checkUnschedulableResources(ctx: TriageContext): Finding[] {
  const pairs: { view: PodView; value: string[] }[] = [];
  for (const view of ctx.pods) {
    const evidence = isUnschedulable(view) ? schedulingEvidence(view) : { messages: [], quotes: [] };
    const latest = evidence.messages[0] ?? "";
    if (RESOURCE_MESSAGE.test(latest) && !STORAGE_MESSAGE.test(latest)) {
      pairs.push({ view, value: evidence.quotes });
      continue;
    }
    // A scheduler message naming another reason (taints, storage) owns the pod; silence does not.
    if (latest !== "" || !waitingForNode(view)) continue;
    const shortfall = extendedShortfall(ctx, view.pod);
    if (shortfall?.nodesKnown) pairs.push({ view, value: [shortfall.quote] });
  }
  return byWorkload(pairs).map((group) => {
    const w = group.workload;
    const views = viewsOf(group);
    const short = [
      ...new Set(
        group.items.flatMap(
          (i) =>
            i.value
              .join(" ")
              .match(/Insufficient [\w/-]+(?:\.[\w/-]+)*|Too many pods|no node offers [\w./-]+/g) ?? [],
        ),
      ),
    ];
    const requests = views[0] ? describeRequests(views[0].pod) : "";
    return makeFinding({
      category: "unschedulable-resources",
      resource: w,
      affected: views.map((v) => v.ref),
      evidence: [...group.items.flatMap((item) => item.value), `Pod spec ${requests}`],
      confidence: 0.9,
      summary: `${label(w)} is Pending: no node can fit it (${short.join(", ")}; ${requests})`,
      nextSteps: [
        "Add node capacity (or let the cluster autoscaler), or lower the pod's requests if they are larger than it uses.",
        "Look for other workloads over-requesting on the nodes it should fit on.",
      ],
      commands: [
        "kubectl describe nodes | grep -A 8 'Allocated resources'",
        "kubectl top nodes",
        ...inspectCommands(w, views[0]?.ref),
      ],
    });
  });
}
