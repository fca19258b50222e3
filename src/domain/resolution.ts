import type { Investigation, InvestigationStatus, ProposalRecord } from "./investigation.js";
import type { ResourceRef } from "./types.js";

/**
 * How far an investigation is from resolved, by root cause. An incident with several root causes
 * is resolved only when every one of them has a fix that was applied and validated: one validated
 * fix (analytics-service's memory) says nothing about the others (payment-service's image).
 * Pure: the pipeline decides the status from it and Slack renders it.
 */

/** One root cause as progress counts it. */
export interface CauseProgress {
  /** The triage's stable id, `${category}:${kind}/${namespace}/${name}` (proposals reference it). */
  id: string;
  category: string;
  resource: ResourceRef;
  /** The validated fix of this cause, e.g. "set-resources on Deployment analytics-service". */
  fixedBy?: string;
}

/** Per-cause progress of an investigation. */
export interface ResolutionProgress {
  causes: CauseProgress[];
  fixed: CauseProgress[];
  open: CauseProgress[];
  /** Fixes that were applied and validated, whatever cause they name (for the headline). */
  validatedFixes: string[];
  /** True when nothing is left open (and at least one fix was validated). */
  complete: boolean;
}

/** The stable id the triage gives a root cause, as proposals reference it. */
export function rootCauseKey(cause: { category: string; resource: ResourceRef }): string {
  const ref = cause.resource;
  return `${cause.category}:${ref.kind}/${ref.namespace}/${ref.name}`;
}

function sameRef(a: ResourceRef, b: ResourceRef): boolean {
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}

/** True when the record's change was applied, kept (not rolled back) and validated as resolved. */
export function isValidatedFix(record: ProposalRecord): boolean {
  const outcome = record.outcome;
  return (
    record.state === "succeeded" &&
    outcome?.status === "succeeded" &&
    !outcome.rolledBack &&
    (!outcome.validation || outcome.validation.verdict === "resolved")
  );
}

/** "set-resources on Deployment analytics-service". */
export function fixLabel(record: ProposalRecord): string {
  const { action, target } = record.proposal;
  return `${action} on ${target.kind} ${target.name}`;
}

/**
 * Progress by root cause: the RCA's causes once it exists (it read more), else the triage's.
 * An investigation whose analysis named no cause (a scripted or model-only proposal) is complete
 * once any fix was validated, as before causes were counted.
 */
export function resolutionProgress(
  investigation: Pick<Investigation, "rca" | "triage" | "proposals">,
): ResolutionProgress {
  const named = investigation.rca ? investigation.rca.rootCauses : (investigation.triage?.rootCauses ?? []);
  const validated = investigation.proposals.filter(isValidatedFix);
  const causes: CauseProgress[] = [];
  const seen = new Set<string>();
  for (const cause of named) {
    const id = rootCauseKey(cause);
    if (seen.has(id)) continue;
    seen.add(id);
    // By the id the proposal names; a model's proposal whose id matches no cause still fixes the
    // cause whose object it changed.
    const fix =
      validated.find((record) => record.proposal.rootCauseId === id) ??
      validated.find((record) => sameRef(record.proposal.target, cause.resource));
    causes.push({
      id,
      category: cause.category,
      resource: cause.resource,
      ...(fix ? { fixedBy: fixLabel(fix) } : {}),
    });
  }
  const fixed = causes.filter((cause) => cause.fixedBy !== undefined);
  const open = causes.filter((cause) => cause.fixedBy === undefined);
  const validatedFixes = validated.map(fixLabel);
  const complete = validated.length > 0 && open.length === 0;
  return { causes, fixed, open, validatedFixes, complete };
}

/**
 * Where the investigation goes after a fix was validated: `resolved` when every root cause is
 * fixed; otherwise it stays open — `proposed` while other fixes wait for a decision, unchanged
 * while another approved fix is still being applied, else `completed` (nothing left to approve;
 * the remaining causes need the manual steps in the thread).
 */
export function statusAfterValidatedFix(
  investigation: Pick<Investigation, "rca" | "triage" | "proposals">,
): InvestigationStatus | undefined {
  if (resolutionProgress(investigation).complete) return "resolved";
  const states = investigation.proposals.map((record) => record.state);
  if (states.some((state) => state === "approved" || state === "executing")) return undefined;
  return states.includes("pending") ? "proposed" : "completed";
}

/**
 * "1 of 5 root causes fixed: set-resources on Deployment analytics-service validated; still open:
 * payment-service (image-pull), …" — `names` alone drops the categories (for tight layouts).
 */
export function progressText(
  progress: ResolutionProgress,
  options: { maxOpen?: number; names?: boolean } = {},
): string | undefined {
  if (progress.validatedFixes.length === 0 || progress.complete) return undefined;
  const maxOpen = options.maxOpen ?? 4;
  const total = progress.causes.length;
  const fixes = progress.validatedFixes.join("; ");
  const open = progress.open.map((cause) =>
    options.names ? cause.resource.name : `${cause.resource.name} (${cause.category})`,
  );
  const shown = open.slice(0, maxOpen).join(", ");
  const more = open.length > maxOpen ? ` and ${open.length - maxOpen} more` : "";
  return `${progress.fixed.length} of ${total} root cause${total === 1 ? "" : "s"} fixed: ${fixes} validated; still open: ${shown}${more}`;
}
