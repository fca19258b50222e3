import type { CollectionGap, RootCause, Snapshot, TriageResult } from "../domain/types.js";
import { blastRadius } from "./blast-radius.js";
import { annotateManaged, attachChanges, timelineOf } from "./changes.js";
import { CHECKS } from "./checks/index.js";
import { buildContext, type TriageContext } from "./context.js";
import { parseReadyz } from "./control-plane.js";
import { type Finding, MAX_EVIDENCE } from "./finding.js";
import { supersededWarnings } from "./history.js";
import { inputGaps } from "./input-gaps.js";
import { linkDependencies } from "./link.js";
import { refKey } from "./owners.js";
import { prometheusEvidence } from "./prometheus.js";
import { proposeRemediations } from "./proposals/index.js";
import { rankFindings } from "./ranking.js";
import { severityOf } from "./severity.js";
import { headline, healthyWorkloads } from "./summary.js";
import { classifySymptoms } from "./symptoms.js";
import { addUsageEvidence } from "./usage-evidence.js";

export { actionRisk } from "../domain/risk.js";
export { CHECKS } from "./checks/index.js";
export { nameCluster } from "./cluster.js";
export { buildContext, type TriageContext } from "./context.js";
export { type ControlPlaneHealth, parseReadyz } from "./control-plane.js";
/** Check: one per category; Finding: a root cause plus engine-only hints; FixHint: what a check knows about its fix. */
export type { Check, Finding, FixHint } from "./finding.js";

/** Options of one triage run. */
export interface TriageOptions {
  /** Only this namespace (cluster-scoped objects still count when they affect it). */
  namespace?: string;
  /** Override of the snapshot's clock (RFC 3339); defaults to `snapshot.collectedAt`. */
  now?: string;
}

/** The scope's changes of the last hour (capped), for the report's timeline. */
function recentChanges(ctx: TriageContext): Pick<TriageResult, "changes"> {
  const changes = timelineOf(ctx).filter((c) => ctx.nowMs - Date.parse(c.at) <= 3_600_000);
  return changes.length > 0 ? { changes: changes.slice(-50) } : {};
}

function toRootCause(finding: Finding): RootCause {
  const { fix: _fix, dependsOn: _dependsOn, fallback: _fallback, ...cause } = finding;
  return cause;
}

/**
 * Symptom-level findings give way to a real cause found for the same resource; their first quote
 * (the recorded condition, e.g. ProgressDeadlineExceeded) stays on as that cause's evidence.
 */
function dropFallbacks(findings: Finding[]): Finding[] {
  const named = new Map<string, Finding>();
  for (const f of findings)
    if (!f.fallback && !named.has(refKey(f.resource))) named.set(refKey(f.resource), f);
  return findings.filter((f) => {
    const cause = f.fallback ? named.get(refKey(f.resource)) : undefined;
    if (!cause) return true;
    const quote = f.evidence[0];
    if (quote && cause.evidence.length < MAX_EVIDENCE && !cause.evidence.includes(quote))
      cause.evidence.push(quote);
    return false;
  });
}

/**
 * Runs every check. A check that throws on an object it did not expect (a hand-edited state file)
 * must not cost the other 22 their answer at 3 AM: its failure becomes a gap, named.
 */
function runChecks(ctx: TriageContext, gaps: CollectionGap[]): Finding[] {
  const findings: Finding[] = [];
  for (const [category, check] of Object.entries(CHECKS)) {
    try {
      findings.push(...check(ctx));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      gaps.push({
        resource: `triage/${category}`,
        reason: "error",
        message: `the ${category} check failed: ${message}`,
      });
    }
  }
  return findings;
}

/**
 * The deterministic triage of a snapshot: pure (no I/O, no clock but the snapshot's), O(objects).
 * Runs every check, links dependency chains, ranks causes, and proposes catalog remediations.
 */
export function triage(snapshot: Snapshot, options: TriageOptions = {}): TriageResult {
  const ctx = buildContext(snapshot, options);
  const controlPlane = parseReadyz(snapshot.readyz);
  const gaps = [...snapshot.gaps, ...inputGaps(snapshot)];
  const findings = dropFallbacks(runChecks(ctx, gaps));
  addUsageEvidence(ctx, findings);
  linkDependencies(findings);
  const prometheus = prometheusEvidence(snapshot.prometheus, findings);
  gaps.push(...prometheus.gaps);
  attachChanges(ctx, findings);
  const ranked = rankFindings(ctx, findings);
  const radius = blastRadius(ctx, ranked, controlPlane);
  const history = supersededWarnings(ctx);
  const inScope = <T extends { metadata: { namespace?: string } }>(items: T[]) =>
    ctx.namespace === undefined
      ? items.length
      : items.filter((i) => ctx.inScope(i.metadata.namespace)).length;
  return {
    namespace: ctx.namespace ?? "*",
    collectedAt: snapshot.collectedAt,
    controlPlane: {
      status: controlPlane.status,
      ...(controlPlane.failing?.length ? { failing: controlPlane.failing } : {}),
    },
    blastRadius: radius,
    severity: severityOf(ctx, ranked, radius, controlPlane),
    headline: headline(ctx, ranked, controlPlane),
    symptoms: classifySymptoms(ctx, controlPlane),
    rootCauses: ranked.map(toRootCause),
    remediations: annotateManaged(ctx, proposeRemediations(ctx, ranked)),
    healthy: healthyWorkloads(ctx, ranked),
    gaps,
    ...(history.length > 0 ? { history } : {}),
    ...recentChanges(ctx),
    ...(prometheus.metrics.length > 0 ? { metrics: prometheus.metrics } : {}),
    ...(snapshot.metricsServer ? { metricsServer: snapshot.metricsServer } : {}),
    stats: {
      pods: inScope(snapshot.pods),
      events: inScope(snapshot.events),
      ...(snapshot.requestCount === undefined ? {} : { apiRequests: snapshot.requestCount }),
    },
  };
}
