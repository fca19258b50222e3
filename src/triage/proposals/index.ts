import type { RemediationProposal } from "../../domain/actions.js";
import type { TriageContext } from "../context.js";
import type { Finding } from "../finding.js";
import { proposeCreatePvc } from "./create-pvc.js";
import { proposeRollback } from "./rollback.js";
import { proposeRaiseMemory } from "./set-resources.js";
import { proposeDeletePods, proposeProbeTimeout } from "./workload-pods.js";

/**
 * Catalog proposals for the ranked findings, in the same order, one per id. Causes without a safe
 * automatic fix (missing Secret values, crash loops with no clear cause, nodes) get none: their
 * nextSteps and commands carry the manual fix. Restarts are never proposed blindly.
 */
export function proposeRemediations(ctx: TriageContext, findings: Finding[]): RemediationProposal[] {
  const byId = new Map<string, RemediationProposal>();
  for (const finding of findings) {
    const fix = finding.fix;
    if (!fix) continue;
    let proposals: RemediationProposal[] = [];
    switch (fix.type) {
      case "create-pvc":
        proposals = proposeCreatePvc(ctx, finding.id, fix.namespace, fix.claimNames);
        break;
      case "raise-memory":
        proposals = proposeRaiseMemory(ctx, finding.id, fix.workload, fix.container);
        break;
      case "rollback":
        proposals = proposeRollback(ctx, finding.id, fix.workload, fix.failingImages, fix.avoidRegistry);
        break;
      case "delete-pods":
        proposals = proposeDeletePods(ctx, finding.id, fix.pods);
        break;
      case "probe-timeout":
        proposals = proposeProbeTimeout(ctx, finding.id, fix.workload, fix.container, fix.probe);
        break;
    }
    for (const proposal of proposals) if (!byId.has(proposal.id)) byId.set(proposal.id, proposal);
  }
  return [...byId.values()];
}
