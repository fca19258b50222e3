import type { RemediationProposal } from "../../domain/actions.js";
import type { TriageContext } from "../context.js";
import type { Finding, FixHint } from "../finding.js";
import { proposeCreatePvc } from "./create-pvc.js";
import { proposeRollback } from "./rollback.js";
import { proposeRaiseMemory } from "./set-resources.js";
import { proposeDeletePods, proposeProbeTimeout } from "./workload-pods.js";

function proposalsFor(ctx: TriageContext, id: string, fix: FixHint): RemediationProposal[] {
  switch (fix.type) {
    case "create-pvc":
      return proposeCreatePvc(ctx, id, fix.namespace, fix.claimNames);
    case "raise-memory":
      return proposeRaiseMemory(ctx, id, fix.workload, fix.container);
    case "rollback":
      return proposeRollback(ctx, id, fix.workload, fix.failingImages, fix.avoidRegistry);
    case "delete-pods":
      return proposeDeletePods(ctx, id, fix.pods);
    case "probe-timeout":
      return proposeProbeTimeout(ctx, id, fix.workload, fix.container, fix.probe);
  }
}

/**
 * Catalog proposals for the ranked findings, in the same order, one per id. Causes without a safe
 * automatic fix (missing Secret values, crash loops with no clear cause, nodes) get none: their
 * nextSteps and commands carry the manual fix. Restarts are never proposed blindly.
 */
export function proposeRemediations(ctx: TriageContext, findings: Finding[]): RemediationProposal[] {
  const byId = new Map<string, RemediationProposal>();
  for (const finding of findings) {
    if (!finding.fix) continue;
    let proposals: RemediationProposal[];
    try {
      proposals = proposalsFor(ctx, finding.id, finding.fix);
    } catch {
      // A proposal that cannot be built from what the snapshot holds is not offered; the cause
      // and its manual steps still stand.
      proposals = [];
    }
    for (const proposal of proposals) if (!byId.has(proposal.id)) byId.set(proposal.id, proposal);
  }
  return [...byId.values()];
}
