import { manualChangesOf } from "../changes/index.js";
import type { RcaReport, RcaRootCause } from "../domain/rca.js";
import type { ResourceRef, RootCause, TriageResult } from "../domain/types.js";

/**
 * The deterministic RCA: what the triage engine found, in the report shape, with a validation
 * plan derived from the causes. Used when no model is configured or the model path fails, so an
 * investigation always ends with an RCA. Pure.
 */
export function rcaFromTriage(triage: TriageResult, fallbackReason: string): RcaReport {
  return {
    source: "deterministic",
    fallbackReason,
    summary: triage.headline,
    severity: triage.severity,
    rootCauses: triage.rootCauses.map(toRcaCause),
    hypothesesRejected: [],
    proposals: triage.remediations,
    dropped: [],
    validationPlan: validationPlan(triage),
    ...manual(triage),
  };
}

function manual(triage: TriageResult): Pick<RcaReport, "manualChanges"> {
  const manualChanges = manualChangesOf(triage.remediations);
  return manualChanges.length > 0 ? { manualChanges } : {};
}

function toRcaCause(cause: RootCause): RcaRootCause {
  return {
    category: cause.category,
    name: `${cause.category} in ${refText(cause.resource)}`,
    summary: cause.summary,
    resource: cause.resource,
    affected: cause.affected,
    evidence: cause.evidence.map((quote) => ({ quote, source: "triage" })),
    confidence: cause.confidence,
    ...(cause.changes?.length ? { changes: cause.changes } : {}),
  };
}

function refText(ref: ResourceRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

function criteriaFor(cause: RootCause): string[] {
  const out: string[] = [];
  const workloads = [cause.resource, ...cause.affected].filter((ref) => WORKLOADS.has(ref.kind));
  for (const ref of dedupe(workloads))
    out.push(`${refText(ref)} reports all desired replicas ready and available`);
  if (cause.category === "missing-pvc" || cause.category === "pvc-pending") {
    out.push(`PersistentVolumeClaims used by ${refText(cause.resource)} are Bound`);
  }
  if (cause.category === "service-no-endpoints")
    out.push(`Service ${refText(cause.resource)} has at least one ready endpoint`);
  if (cause.category === "control-plane-degraded") out.push("/readyz?verbose reports every check ok");
  if (cause.category === "node-not-ready" || cause.category === "node-pressure")
    out.push(`${refText(cause.resource)} is Ready with no pressure conditions`);
  if (cause.category === "job-failed")
    out.push(`the next run of ${refText(cause.resource)} completes successfully`);
  // How long is the policy's settle window, stated where validation runs; no invented duration here.
  out.push(`no new Warning events for ${refText(cause.resource)} or its pods through the settle window`);
  return out;
}

function dedupe(refs: ResourceRef[]): ResourceRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Explicit, checkable criteria derived from the root causes. */
export function validationPlan(triage: TriageResult): string[] {
  const criteria = [...new Set(triage.rootCauses.flatMap(criteriaFor))];
  if (criteria.length > 0) return criteria.slice(0, 15);
  return [
    `namespace ${triage.namespace} has no pods in a failing state and no new Warning events through the settle window`,
  ];
}
