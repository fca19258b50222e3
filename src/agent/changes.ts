import { manualChangesOf } from "../changes/index.js";
import type { Policy } from "../config/policy.js";
import type { RcaReport, RcaRootCause } from "../domain/rca.js";
import type { RootCause, TriageResult } from "../domain/types.js";

/**
 * The change timeline in the RCA: each cause carries the changes that explain it (taken from the
 * engine's cause for the same category and object, whoever wrote the RCA), and the report lists
 * the fixes only a human can make for Helm- and GitOps-managed targets.
 */
export function withChanges(report: RcaReport, triage: TriageResult): RcaReport {
  const rootCauses = report.rootCauses.map((cause) => attach(cause, triage.rootCauses));
  const manualChanges = manualChangesOf(triage.remediations);
  return { ...report, rootCauses, ...(manualChanges.length > 0 ? { manualChanges } : {}) };
}

function attach(cause: RcaRootCause, engine: RootCause[]): RcaRootCause {
  if (cause.changes) return cause;
  const same =
    engine.find(
      (c) =>
        c.category === cause.category &&
        c.resource.name === cause.resource.name &&
        c.resource.namespace === cause.resource.namespace,
    ) ??
    engine.find(
      (c) => c.resource.name === cause.resource.name && c.resource.namespace === cause.resource.namespace,
    );
  return same?.changes?.length ? { ...cause, changes: same.changes } : cause;
}

/**
 * Proposals a GitOps controller would revert are not offered live unless the policy allows it
 * (remediation.gitOpsLivePatch): they move to `dropped` with the reason, and their Git patch stays
 * in `manualChanges`. The model path is gated already; this covers the deterministic fallback.
 */
export function offerable(report: RcaReport, policy: Policy): RcaReport {
  if (policy.remediation.gitOpsLivePatch) return report;
  const reverted = report.proposals.filter((p) => p.managedBy && p.managedBy.tool !== "helm");
  if (reverted.length === 0) return report;
  return {
    ...report,
    proposals: report.proposals.filter((p) => !reverted.includes(p)),
    dropped: [
      ...report.dropped,
      ...reverted.map((p) => ({
        description: `${p.id} (live patch)`,
        reason: `managed by ${p.managedBy?.tool === "argocd" ? "Argo CD Application" : "Flux"} ${p.managedBy?.owner}, which would revert it: commit the Git patch instead (remediation.gitOpsLivePatch allows live patches)`,
      })),
    ],
  };
}
