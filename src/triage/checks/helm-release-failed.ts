import { helmReleases, releaseOf, rollbackCommand, UNFINISHED_STATUSES } from "../../changes/index.js";
import type { TriageContext } from "../context.js";
import { type Finding, makeFinding } from "../finding.js";
import { managedWorkloads } from "./managed-workloads.js";

const WHAT: Record<string, string> = {
  failed: "failed",
  "pending-install": "is stuck pending-install (an install that never finished)",
  "pending-upgrade":
    "is stuck pending-upgrade (an upgrade that never finished; further upgrades are refused)",
  "pending-rollback": "is stuck pending-rollback (a rollback that never finished)",
};

/**
 * helm-release-failed: a Helm release whose newest revision is failed or stuck pending, from the
 * release Secrets' labels (metadata only: the release data is never read). Its workloads are the
 * affected objects. No proposal: `helm rollback` needs the release data, so a human runs it.
 */
export function checkHelmReleaseFailed(ctx: TriageContext): Finding[] {
  const findings: Finding[] = [];
  for (const release of helmReleases(ctx.snapshot.secrets)) {
    if (!ctx.inScope(release.namespace) || !UNFINISHED_STATUSES.includes(release.latest.status)) continue;
    const latest = release.latest;
    const previous = release.revisions[release.revisions.length - 2];
    const workloads = managedWorkloads(ctx, (object) => {
      const owner = releaseOf(object);
      return owner?.name === release.name && owner.namespace === release.namespace;
    });
    const failing = workloads.filter((w) => w.unhealthyPods.length > 0);
    const rollback = rollbackCommand(release);
    const step = latest.revision === 1 ? "install" : `upgrade from revision ${previous?.revision ?? "?"}`;
    findings.push(
      makeFinding({
        category: "helm-release-failed",
        resource: latest.secret,
        affected: [...workloads.map((w) => w.ref), ...failing.flatMap((w) => w.unhealthyPods)],
        evidence: [
          `Helm release ${release.namespace}/${release.name} revision ${latest.revision} (${step}): status ${latest.status}${latest.createdAt ? `, created ${latest.createdAt}` : ""}${latest.modifiedAt ? `, last modified ${latest.modifiedAt}` : ""} by ${latest.manager ?? "helm"}`,
          ...release.revisions
            .slice(0, -1)
            .slice(-3)
            .map((r) => `revision ${r.revision}: ${r.status}${r.createdAt ? ` (${r.createdAt})` : ""}`),
          ...workloads.map((w) => w.line),
        ],
        confidence: failing.length > 0 ? 0.9 : 0.75,
        summary: `Helm release ${release.name} revision ${latest.revision} ${WHAT[latest.status] ?? latest.status}${failing.length > 0 ? `; its ${failing.map((w) => `${w.ref.kind} ${w.ref.name}`).join(", ")} ${failing.length === 1 ? "is" : "are"} failing on it` : ""}.`,
        nextSteps: [
          "Read what Helm reported for the revision (helm status / helm history) and the failing workloads' own root causes.",
          rollback
            ? `Roll the release back to revision ${release.lastGood?.revision} (a human runs it: the bot never reads release data), then fix the chart or values and upgrade again.`
            : "No earlier good revision is recorded: fix the chart or values and upgrade again.",
          ...(latest.status.startsWith("pending")
            ? ["If no helm process is still running, the pending state is stale: a rollback clears it."]
            : []),
        ],
        commands: [
          `helm history ${release.name} -n ${release.namespace}`,
          `helm status ${release.name} -n ${release.namespace}`,
          ...(rollback ? [rollback] : []),
        ],
      }),
    );
  }
  return findings;
}
