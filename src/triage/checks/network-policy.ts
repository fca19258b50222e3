import type { TriageContext } from "../context.js";
import { type Finding, groupBy, kubectl, makeFinding } from "../finding.js";
import { networkBlock } from "../network-policies.js";
import { refOf } from "../owners.js";

/**
 * network-policy: a pod times out reaching a Service that is up (or DNS), and the NetworkPolicies
 * in the snapshot certainly deny that path. One cause per denying policy.
 */
export function checkNetworkPolicy(ctx: TriageContext): Finding[] {
  const blocked = ctx.pods
    .filter((view) => !view.healthy)
    .map((view) => ({ view, block: networkBlock(ctx, view) }))
    .filter((pair) => pair.block !== undefined);
  return [
    ...groupBy(
      blocked,
      (pair) => `${pair.block!.policy.metadata.namespace}/${pair.block!.policy.metadata.name}`,
    ).values(),
  ].map((group) => {
    const policy = group[0]!.block!.policy;
    const ref = refOf("NetworkPolicy", policy);
    const workloads = [...new Set(group.map((g) => g.view.owner.workload.name))];
    return makeFinding({
      category: "network-policy",
      resource: ref,
      affected: [...group.map((g) => g.view.owner.workload), ...group.map((g) => g.view.ref)],
      evidence: group.flatMap((g) => g.block!.quotes),
      confidence: 0.7,
      summary: `NetworkPolicy ${ref.name} blocks ${workloads.join(", ")} from reaching what it calls (connections time out while the target is up)`,
      nextSteps: [
        "Add an ingress/egress rule that allows this path (and DNS egress to kube-system on port 53 if egress is restricted).",
      ],
      commands: [
        `${kubectl(ref.namespace)} describe networkpolicy ${ref.name}`,
        `${kubectl(ref.namespace)} get networkpolicy`,
      ],
    });
  });
}
