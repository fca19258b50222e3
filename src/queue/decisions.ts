import type { Investigation, ProposalRecord } from "../domain/investigation.js";
import { canTransition } from "./status.js";
import { isExpired } from "./tokens.js";

/** An approver's answer to a proposal. */
export type Decision = "approve" | "deny";

/** Why a decision was not taken: only the first decision on a proposal counts. */
export type RefusalReason =
  | "unknown-token"
  | "already-approved"
  | "already-denied"
  | "expired"
  | "wrong-message";

/**
 * Where a button was clicked: the decision must come from the message (or, before the message is
 * recorded, the thread) the proposal was posted in, so a token pasted into another message's
 * button cannot run a proposal that message never showed.
 */
export interface DecisionPlace {
  channel: string;
  /** ts of the clicked message. */
  messageTs?: string;
  /** thread_ts of the clicked message (the thread's parent). */
  threadTs?: string;
}

/** A refused decision, with who decided first (when someone did) and a sentence for the user. */
export interface DecisionRefusal {
  ok: false;
  reason: RefusalReason;
  by?: string;
  at?: string;
  message: string;
}

/** The outcome of `decideProposal`: the updated record, or a typed refusal. */
export type DecisionResult =
  | { ok: true; decision: Decision; investigation: Investigation; proposal: ProposalRecord }
  | DecisionRefusal;

/** What is stored under the decision key when a decision wins. */
export interface StoredDecision {
  decision: Decision;
  actor: string;
  at: string;
}

/** The refusal for a proposal someone already decided. */
export function alreadyDecided(prior: StoredDecision): DecisionRefusal {
  const approved = prior.decision === "approve";
  return {
    ok: false,
    reason: approved ? "already-approved" : "already-denied",
    by: prior.actor,
    at: prior.at,
    message: `already ${approved ? "approved" : "denied"} by ${prior.actor} at ${prior.at}`,
  };
}

function refusalFor(record: ProposalRecord, now: Date): DecisionRefusal | undefined {
  const by = record.decidedBy ?? "unknown";
  const at = record.decidedAt ?? "";
  switch (record.state) {
    case "pending":
      return isExpired(record, now)
        ? { ok: false, reason: "expired", at: record.expiresAt, message: `expired at ${record.expiresAt}` }
        : undefined;
    case "denied":
      return alreadyDecided({ decision: "deny", actor: by, at });
    case "expired":
      return {
        ok: false,
        reason: "expired",
        at: record.expiresAt,
        message: `expired at ${record.expiresAt}`,
      };
    default:
      // approved, executing and every outcome state all mean somebody (or the policy) approved it.
      return alreadyDecided({ decision: "approve", actor: by, at });
  }
}

/** A refused decision as it is audited. */
export interface RefusalRecord {
  investigationId: string;
  actor: string;
  decision: Decision;
  reason: RefusalReason;
  detail?: string;
  place?: DecisionPlace;
}

/** Why a click at `place` may not decide `record`, or undefined when it was posted there. */
export function placeMismatch(
  investigation: Pick<Investigation, "thread" | "trigger">,
  record: Pick<ProposalRecord, "message">,
  place: DecisionPlace,
): string | undefined {
  if (record.message) {
    if (place.channel === record.message.channel && place.messageTs === record.message.ts) return undefined;
    return `clicked in ${place.channel}/${place.messageTs ?? "?"}, but the proposal was posted in ${record.message.channel}/${record.message.ts}`;
  }
  const thread = investigation.thread ?? investigation.trigger.slack;
  if (!thread?.threadTs) return "the proposal was not posted in Slack";
  if (place.channel === thread.channel && place.threadTs === thread.threadTs) return undefined;
  return `clicked in ${place.channel}/${place.threadTs ?? place.messageTs ?? "?"}, but the proposal belongs to the thread ${thread.channel}/${thread.threadTs}`;
}

/** Proposals whose execution is over: they wait on nobody. */
const EXECUTED = new Set<ProposalRecord["state"]>(["succeeded", "failed", "refused", "rolled-back"]);

/**
 * True when an investigation waits only on proposals nobody can decide any more: every one is
 * expired (by the clock or recorded as such), denied, or already executed (a multi-cause incident
 * goes back to "proposed" after one validated fix). Such an investigation must not absorb a new
 * request, or "run /triage again for a fresh proposal" could never be followed.
 */
export function isSettled(investigation: Pick<Investigation, "status" | "proposals">, now: Date): boolean {
  if (investigation.status !== "proposed" || investigation.proposals.length === 0) return false;
  return investigation.proposals.every(
    (record) =>
      record.state === "denied" ||
      record.state === "expired" ||
      EXECUTED.has(record.state) ||
      (record.state === "pending" && isExpired(record, now)),
  );
}

/** Still open or in flight: keeps an investigation from being "denied" as a whole. */
function stillLive(record: ProposalRecord): boolean {
  return record.state === "pending" || record.state === "approved" || record.state === "executing";
}

/**
 * Applies a decision to a copy of the record (pure). The caller makes it stick atomically: the
 * first decision that writes wins, and the record it wrote is what later callers are refused by.
 * With a `place`, a click from anywhere but the proposal's own message is refused first.
 */
export function applyDecision(
  investigation: Investigation,
  token: string,
  decision: Decision,
  actor: string,
  now: Date,
  place?: DecisionPlace,
): { ok: true; next: Investigation; proposal: ProposalRecord } | DecisionRefusal {
  const index = investigation.proposals.findIndex((record) => record.token === token);
  const current = investigation.proposals[index];
  if (!current) return { ok: false, reason: "unknown-token", message: "unknown or retired approval token" };
  const misplaced = place ? placeMismatch(investigation, current, place) : undefined;
  if (misplaced) return { ok: false, reason: "wrong-message", message: misplaced };
  const refusal = refusalFor(current, now);
  if (refusal) return refusal;

  const at = now.toISOString();
  const proposal: ProposalRecord = {
    ...current,
    state: decision === "approve" ? "approved" : "denied",
    decidedBy: actor,
    decidedAt: at,
    mode: "manual",
  };
  const proposals = investigation.proposals.map((record, i) => (i === index ? proposal : record));
  const next: Investigation = { ...investigation, proposals, updatedAt: at };
  const target = decision === "approve" ? "approved" : proposals.some(stillLive) ? undefined : "denied";
  if (target && target !== investigation.status && canTransition(investigation.status, target)) {
    next.status = target;
    next.timeline = [
      ...investigation.timeline,
      { status: target, at, note: `${proposal.proposal.id} by ${actor}` },
    ];
  }
  return { ok: true, next, proposal };
}
