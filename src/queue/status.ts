import type { InvestigationStatus } from "../domain/investigation.js";
import { TriageError } from "../errors.js";

/**
 * The investigation lifecycle. Workers and handlers move a record only along these edges, so a
 * late or duplicated job can never drag a finished investigation back into an earlier phase.
 */
const NEXT: Record<InvestigationStatus, readonly InvestigationStatus[]> = {
  queued: ["collecting", "failed"],
  collecting: ["analyzing", "failed"],
  analyzing: ["proposed", "completed", "failed"],
  // "executing" straight from "proposed" is automatic mode (the policy approved it).
  proposed: ["approved", "denied", "executing", "completed", "failed"],
  approved: ["executing", "failed"],
  // Back to "proposed" (other fixes wait) or "completed" (none left to approve) after a validated
  // fix that left other root causes open: only the last one resolves the investigation.
  executing: ["validating", "resolved", "proposed", "completed", "failed"],
  validating: ["resolved", "proposed", "completed", "failed"],
  completed: [],
  denied: [],
  resolved: [],
  failed: [],
};

/** Statuses after which nothing more happens to an investigation. */
export const FINAL_STATUSES: readonly InvestigationStatus[] = ["completed", "denied", "resolved", "failed"];

/** True when the investigation is over (its dedup slot can be released). */
export function isFinal(status: InvestigationStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/**
 * True when `from -> to` is allowed. Staying in a non-final phase is allowed because a job that
 * is retried after a crash re-enters the phase it died in.
 */
export function canTransition(from: InvestigationStatus, to: InvestigationStatus): boolean {
  if (from === to) return !isFinal(from);
  return NEXT[from].includes(to);
}

/** Thrown when a status change would break the lifecycle. */
export class IllegalTransitionError extends TriageError {
  readonly from: InvestigationStatus;
  readonly to: InvestigationStatus;
  constructor(from: InvestigationStatus, to: InvestigationStatus) {
    super("ILLEGAL_TRANSITION", `an investigation cannot go from '${from}' to '${to}'`);
    this.from = from;
    this.to = to;
  }
}

/** Throws {@link IllegalTransitionError} unless `from -> to` is allowed. */
export function assertTransition(from: InvestigationStatus, to: InvestigationStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}
