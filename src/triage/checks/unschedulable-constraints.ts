import type { TriageContext } from "../context.js";
import { type Finding, makeFinding } from "../finding.js";
import type { PodView } from "../pod-view.js";
import { byWorkload, inspectCommands, label, viewsOf } from "./common.js";
import {
  CONSTRAINT_MESSAGE,
  isUnschedulable,
  RESOURCE_MESSAGE,
  STORAGE_MESSAGE,
  schedulingEvidence,
} from "./scheduling.js";

/** Whether any node carries every label of a nodeSelector. */
function selectorQuote(ctx: TriageContext, view: PodView): string[] {
  const selector = view.pod.spec.nodeSelector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const text = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const matching = ctx.snapshot.nodes.filter((node) =>
    Object.entries(selector).every(([k, v]) => node.metadata.labels?.[k] === v),
  );
  return [`Pod spec nodeSelector ${text} matches ${matching.length} of ${ctx.snapshot.nodes.length} nodes`];
}

/**
 * unschedulable-constraints: placement rules (node selector/affinity, taints, anti-affinity,
 * topology spread, host ports) exclude every node. Resource shortage wins when both are named.
 */
export function checkUnschedulableConstraints(ctx: TriageContext): Finding[] {
  const pairs: { view: PodView; value: string[] }[] = [];
  for (const view of ctx.pods) {
    if (!isUnschedulable(view)) continue;
    const evidence = schedulingEvidence(view);
    const latest = evidence.messages[0] ?? "";
    if (!CONSTRAINT_MESSAGE.test(latest) || RESOURCE_MESSAGE.test(latest) || STORAGE_MESSAGE.test(latest))
      continue;
    pairs.push({ view, value: [...evidence.quotes, ...selectorQuote(ctx, view)] });
  }
  return byWorkload(pairs).map((group) => {
    const w = group.workload;
    const views = viewsOf(group);
    const reasons = [
      ...new Set(
        group.items.flatMap((i) => i.value.join(" ").match(CONSTRAINT_MESSAGE) ?? []).filter(Boolean),
      ),
    ];
    return makeFinding({
      category: "unschedulable-constraints",
      resource: w,
      affected: views.map((v) => v.ref),
      evidence: group.items.flatMap((item) => item.value),
      confidence: 0.9,
      summary: `${label(w)} is Pending: its placement rules exclude every node (${reasons.slice(0, 2).join("; ")})`,
      nextSteps: [
        "Compare the pod's nodeSelector / affinity / tolerations with the nodes' labels and taints; fix whichever side is wrong.",
      ],
      commands: [
        "kubectl get nodes --show-labels",
        "kubectl describe nodes | grep -i taints",
        ...inspectCommands(w, views[0]?.ref),
      ],
    });
  });
}
