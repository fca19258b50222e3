import type { Investigation, ProposalRecord } from "../../domain/investigation.js";
import type { RcaRootCause } from "../../domain/rca.js";
import { rootCauseKey } from "../../domain/resolution.js";
import type { ResourceRef, RootCause, Severity } from "../../domain/types.js";

/**
 * What every message of an incident says the same way: its one severity, its top cause in one
 * sentence, its impact, and the action we recommend. Derived from the record, pure.
 */

/** Options every builder takes: which cluster this is (shown on every message). */
export interface RenderContext {
  /** The investigation's cluster (`trigger.cluster`), else `CLUSTER_NAME`. */
  clusterName?: string;
}

/** The cluster name to show. */
export function clusterOf(context: RenderContext | undefined): string {
  return context?.clusterName ?? "default";
}

/** One severity per incident: the RCA's once it exists (it read more), else the triage's. */
export function incidentSeverity(investigation: Investigation): Severity | undefined {
  return investigation.rca?.severity ?? investigation.triage?.severity;
}

/** The stable id the triage gives a root cause, as proposals reference it. */
export function causeId(cause: Pick<RcaRootCause, "category" | "resource">): string {
  return rootCauseKey(cause);
}

/** The ranked root causes as the reader sees them (RCA first, triage when no RCA yet). */
export function rankedCauses(investigation: Investigation): RcaRootCause[] {
  if (investigation.rca) return investigation.rca.rootCauses;
  return (investigation.triage?.rootCauses ?? []).map((cause) => ({
    category: cause.category,
    name: `${cause.category} in ${cause.resource.kind} ${cause.resource.name}`,
    summary: cause.summary,
    resource: cause.resource,
    affected: cause.affected,
    evidence: cause.evidence.map((quote) => ({ quote, source: "triage" })),
    confidence: cause.confidence,
  }));
}

/** The triage's record of a cause (next steps, commands), when the triage found the same one. */
export function triageCause(investigation: Investigation, cause: RcaRootCause): RootCause | undefined {
  const id = causeId(cause);
  return investigation.triage?.rootCauses.find((candidate) => candidate.id === id);
}

/** The proposal records that fix `cause`, by the root-cause id they reference. */
export function proposalsFor(investigation: Investigation, cause: RcaRootCause): ProposalRecord[] {
  const id = causeId(cause);
  return investigation.proposals.filter((record) => record.proposal.rootCauseId === id);
}

/** The first sentence of a text, at most `max` characters (a whole word boundary when cut). */
export function firstSentence(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  // A sentence ends at . ! or ? before a space, but not in "e.g." or "i.e.".
  const end = flat.search(/(?<!\b(?:e\.g|i\.e|etc|vs))[.!?](\s|$)/);
  const sentence = end >= 0 ? flat.slice(0, end + 1) : flat;
  if (sentence.length <= max) return sentence;
  const cut = sentence.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** `Deployment payment-service` (namespace left out: every message already names it). */
export function shortRef(ref: ResourceRef): string {
  return `${ref.kind} ${ref.name}`;
}

/** The top root cause in one sentence, or undefined when there is none. */
export function topCauseSentence(investigation: Investigation): string | undefined {
  const top = rankedCauses(investigation)[0];
  if (!top) return undefined;
  return `${shortRef(top.resource)}: ${firstSentence(top.summary, 130)}`;
}

/**
 * Impact in a reader's words: "4 of 6 deployments down" (from the triage's own count), else how
 * many workloads the causes affect.
 */
export function impactText(investigation: Investigation): string {
  const headline = investigation.triage?.headline ?? "";
  const counted = /(\d+) of (\d+) (deployment|workload)s? unavailable(?:, (\d+) degraded)?/.exec(headline);
  if (counted) {
    const [, down, total, noun, degraded] = counted;
    const plural = Number(total) === 1 ? noun : `${noun}s`;
    return `${down} of ${total} ${plural} down${degraded ? `, ${degraded} degraded` : ""}`;
  }
  const causes = rankedCauses(investigation);
  if (causes.length === 0) return "nothing failing";
  const workloads = new Set(
    causes.flatMap((cause) =>
      [cause.resource, ...cause.affected]
        .filter((ref) => ref.kind !== "Pod" && ref.kind !== "Event")
        .map((ref) => `${ref.kind}/${ref.name}`),
    ),
  );
  const pods = new Set(
    causes.flatMap((cause) => cause.affected.filter((ref) => ref.kind === "Pod").map((ref) => ref.name)),
  );
  const parts = [`${workloads.size} object${workloads.size === 1 ? "" : "s"} affected`];
  if (pods.size > 0) parts.push(`${pods.size} pod${pods.size === 1 ? "" : "s"}`);
  return parts.join(", ");
}

/** "3 pods, 1 Deployment": the affected objects of a cause as counts by kind. */
export function affectedCounts(refs: readonly ResourceRef[]): string {
  const counts = new Map<string, number>();
  for (const ref of refs) counts.set(ref.kind, (counts.get(ref.kind) ?? 0) + 1);
  return [...counts]
    .map(([kind, count]) => {
      const word = kind === "Pod" ? "pod" : kind;
      return `${count} ${word}${count === 1 ? "" : kind === "Pod" ? "s" : "s"}`;
    })
    .join(", ");
}

/** Where a proposal sits among all proposals, 1-based, for "fix 2". */
export function fixNumber(investigation: Investigation, record: ProposalRecord): number {
  return investigation.proposals.findIndex((item) => item.proposal.id === record.proposal.id) + 1;
}

/** What we recommend doing about `cause`: approve its fix, or the triage's first manual step. */
export function actionFor(investigation: Investigation, cause: RcaRootCause): string | undefined {
  const fix = proposalsFor(investigation, cause)[0];
  if (fix) return `approve fix ${fixNumber(investigation, fix)}: ${firstSentence(fix.proposal.summary, 160)}`;
  const step = triageCause(investigation, cause)?.nextSteps[0];
  if (step) return step;
  const command = triageCause(investigation, cause)?.commands[0];
  return command ? `look closer: ${command}` : undefined;
}

/** The recommended next action for the whole incident: the top cause's, else the first fix. */
export function recommendedAction(investigation: Investigation): string | undefined {
  const top = rankedCauses(investigation)[0];
  const forTop = top ? actionFor(investigation, top) : undefined;
  if (forTop) return forTop;
  const first = investigation.proposals[0];
  return first ? `approve fix 1: ${firstSentence(first.proposal.summary, 160)}` : undefined;
}
