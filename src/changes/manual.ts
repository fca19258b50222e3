import type { RemediationProposal } from "../domain/actions.js";
import type { ManualChange } from "../domain/rca.js";

/** The fixes a human makes for managed targets: a Git patch to commit, a helm rollback to run. */
export function manualChangesOf(proposals: RemediationProposal[]): ManualChange[] {
  return proposals.flatMap((proposal) =>
    proposal.managedBy && (proposal.managedBy.gitPatch || proposal.managedBy.humanCommands.length > 0)
      ? [
          {
            proposalId: proposal.id,
            rootCauseId: proposal.rootCauseId,
            target: proposal.target,
            summary: proposal.summary,
            managedBy: proposal.managedBy,
          },
        ]
      : [],
  );
}
