import { isDown, workloadAvailability } from "./availability.js";
import type { TriageContext } from "./context.js";
import { parseReadyz } from "./control-plane.js";
import type { Finding } from "./finding.js";

/** How many findings follow from this one, directly or through a chain. */
function dependentCounts(findings: Finding[]): Map<string, number> {
  const byId = new Map(findings.map((f) => [f.id, f]));
  const counts = new Map<string, number>();
  for (const f of findings) {
    const seen = new Set<string>([f.id]);
    let parent = f.causedBy ? byId.get(f.causedBy) : undefined;
    while (parent && !seen.has(parent.id)) {
      seen.add(parent.id);
      counts.set(parent.id, (counts.get(parent.id) ?? 0) + 1);
      parent = parent.causedBy ? byId.get(parent.causedBy) : undefined;
    }
  }
  return counts;
}

/** True when the cause takes something fully down (workload at 0 available, node, control plane). */
function takesDown(ctx: TriageContext, finding: Finding): boolean {
  if (finding.category === "node-not-ready") return true;
  if (finding.category === "control-plane-degraded")
    return parseReadyz(ctx.snapshot.readyz).status === "unhealthy";
  return isDown(workloadAvailability(ctx, finding.resource));
}

/**
 * Ranking: causes others depend on first (more dependents first), then causes that take
 * something down to 0, then causes a recent change explains, then by affected pods, then confidence; the id breaks ties so the order
 * is stable.
 */
export function rankFindings(ctx: TriageContext, findings: Finding[]): Finding[] {
  const dependents = dependentCounts(findings);
  const keyed = findings.map((f) => ({
    f,
    dependents: dependents.get(f.id) ?? 0,
    down: takesDown(ctx, f) ? 1 : 0,
    // A cause that a change right before it explains is the likelier story.
    explained: f.changes?.length ? 1 : 0,
    pods: f.affected.filter((ref) => ref.kind === "Pod").length,
  }));
  keyed.sort(
    (a, b) =>
      b.dependents - a.dependents ||
      b.down - a.down ||
      b.explained - a.explained ||
      b.pods - a.pods ||
      b.f.confidence - a.f.confidence ||
      (a.f.id < b.f.id ? -1 : a.f.id > b.f.id ? 1 : 0),
  );
  return keyed.map((k) => k.f);
}
