import { randomBytes } from "node:crypto";
import type { RemediationProposal } from "../domain/actions.js";
import type { ProposalRecord } from "../domain/investigation.js";

/**
 * Approval tokens: what an Approve/Deny button carries. 192 random bits, URL-safe, never derived
 * from the proposal, so a token reveals nothing and cannot be guessed from another one.
 */
export function newProposalToken(): string {
  return randomBytes(24).toString("base64url");
}

/** Shape check for a token coming back from Slack (before any Redis lookup). */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{32}$/.test(token);
}

/** When a proposal offered at `now` stops accepting decisions. */
export function proposalExpiry(now: Date, ttlMinutes: number): Date {
  return new Date(now.getTime() + ttlMinutes * 60_000);
}

/** True when a decision at `now` comes too late. The expiry instant itself is already too late. */
export function isExpired(record: Pick<ProposalRecord, "expiresAt">, now: Date): boolean {
  return now.getTime() >= Date.parse(record.expiresAt);
}

/** Fresh pending records for the proposals of an RCA, each with its own token. */
export function proposalRecords(
  proposals: readonly RemediationProposal[],
  now: Date,
  ttlMinutes: number,
): ProposalRecord[] {
  const expiresAt = proposalExpiry(now, ttlMinutes).toISOString();
  return proposals.map((proposal) => ({ proposal, token: newProposalToken(), state: "pending", expiresAt }));
}

/**
 * How long after the click an approval given near the end of its window may still start: a queue
 * that is merely busy must not void an approval made in time.
 */
export const APPROVAL_START_GRACE_MS = 5 * 60_000;

/**
 * The last instant an approved change may start executing: the end of the proposal's approval
 * window, or {@link APPROVAL_START_GRACE_MS} after the click when that is later. An approval
 * whose executor was offline past it is not applied: the cluster was checked for a change made
 * then, not hours later.
 */
export function approvalStartDeadline(record: Pick<ProposalRecord, "expiresAt" | "decidedAt">): Date {
  const window = Date.parse(record.expiresAt);
  const clicked = record.decidedAt ? Date.parse(record.decidedAt) : Number.NaN;
  return new Date(Number.isNaN(clicked) ? window : Math.max(window, clicked + APPROVAL_START_GRACE_MS));
}
