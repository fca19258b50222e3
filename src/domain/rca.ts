import type { RemediationProposal } from "./actions.js";
import type { CauseChange, ManagedBy } from "./changes.js";
import type { ResourceRef, RootCauseCategory, Severity } from "./types.js";

/** One piece of evidence and where it came from (a tool call id, or "triage" for the engine). */
export interface RcaEvidence {
  quote: string;
  source: string;
  /** Where it came from in words ("logs of pod X, previous container"), shown instead of `source`. */
  label?: string;
}

export interface RcaRootCause {
  category: RootCauseCategory | "other";
  /** Short name, e.g. "payment-service image registry does not resolve". */
  name: string;
  summary: string;
  resource: ResourceRef;
  affected: ResourceRef[];
  evidence: RcaEvidence[];
  confidence: number;
  /** Changes before the first failure that explain this cause (with time and manager). */
  changes?: CauseChange[];
}

/** A fix only a human can make: a Git patch to commit, or a `helm rollback` to run. */
export interface ManualChange {
  /** The proposal it comes from (which may also be offered live, with a warning). */
  proposalId: string;
  rootCauseId: string;
  target: ResourceRef;
  summary: string;
  managedBy: ManagedBy;
}

/** Tokens, cost and effort of one model investigation. */
export interface ModelUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  iterations: number;
  toolCalls: number;
  durationMs: number;
}

/**
 * The root-cause analysis an on-call engineer reads: written by Claude when a model is configured
 * and answers, otherwise derived from the deterministic triage (and `fallbackReason` says why).
 * `proposals` are catalog actions that passed catalog, policy, namespace and dry-run checks;
 * anything the model suggested that did not is listed in `dropped` with the reason.
 */
export interface RcaReport {
  source: "model" | "deterministic";
  fallbackReason?: string;
  summary: string;
  severity: Severity;
  rootCauses: RcaRootCause[];
  hypothesesRejected: { hypothesis: string; reason: string }[];
  dangerousAssumption?: string;
  proposals: RemediationProposal[];
  dropped: { description: string; reason: string }[];
  /** Explicit, checkable criteria that show the incident is over. */
  validationPlan: string[];
  usage?: ModelUsage;
  /** Fixes for Helm- or GitOps-managed targets that a human applies (Git patch, helm rollback). */
  manualChanges?: ManualChange[];
  /** Overall confidence 0..1 the model gave its analysis (absent for deterministic RCAs). */
  confidence?: number;
}
