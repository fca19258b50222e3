import { type Job, UnrecoverableError } from "bullmq";
import type { Investigation } from "../domain/investigation.js";
import type { AuditTrail } from "./audit.js";
import type { PipelineContext } from "./context.js";
import { investigateJobSchema } from "./jobs.js";
import type { InvestigationStore } from "./store.js";
import { isExpired } from "./tokens.js";

/** What an expire job did. */
export interface ExpireResult {
  investigationId: string;
  expired: string[];
  /** When proposals are still open (the job ran early), the time of the next check. */
  nextAt?: string;
}

/** What expiring an investigation's proposals needs: its cluster's store and audit, and a way to tell Slack. */
export interface ExpiryParts {
  store: Pick<InvestigationStore, "get" | "update" | "wasNotified" | "markNotified">;
  audit: Pick<AuditTrail, "append">;
  now: Date;
  /** Posts the status update (the parent and every card whose state moved). */
  notify(investigation: Investigation): Promise<void>;
}

/** The once-mark of a proposal's expiry having reached Slack. */
const announced = (proposalId: string) => `expired:${proposalId}`;

/**
 * Marks every proposal of the investigation still pending past its window as expired
 * (compare-and-swap, so a decision that won first stays and two sweepers expire it once), audits
 * each, and has the notifier redraw the cards. Every expired proposal whose expiry has not reached
 * Slack yet is announced, so a run whose post failed after the write is completed by the next
 * (a retried job, the next sweep). Returns the updated record and what this run expired.
 */
export async function expireDueProposals(
  parts: ExpiryParts,
  id: string,
): Promise<{ investigation: Investigation | undefined; expired: string[] }> {
  const found = await parts.store.get(id);
  if (!found) return { investigation: undefined, expired: [] };
  const { now } = parts;
  const expired: string[] = [];
  let updated: Investigation = found;
  if (found.proposals.some((record) => record.state === "pending" && isExpired(record, now))) {
    updated = await parts.store.update(id, (current) => {
      expired.length = 0;
      for (const record of current.proposals) {
        if (record.state !== "pending" || !isExpired(record, now)) continue;
        record.state = "expired";
        expired.push(record.proposal.id);
      }
      if (expired.length === 0) return undefined;
      current.updatedAt = now.toISOString();
      return current;
    });
  }
  for (const proposalId of expired) {
    await parts.audit.append({
      kind: "refusal",
      investigationId: id,
      at: now.toISOString(),
      actor: "expiry",
      data: { proposalId, reason: "expired" },
    });
  }
  const unannounced: string[] = [];
  for (const record of updated.proposals) {
    if (record.state !== "expired") continue;
    if (!(await parts.store.wasNotified(id, announced(record.proposal.id))))
      unannounced.push(record.proposal.id);
  }
  if (unannounced.length > 0) {
    await parts.notify(updated);
    for (const proposalId of unannounced) await parts.store.markNotified(id, announced(proposalId));
  }
  return { investigation: updated, expired };
}

/**
 * Runs when the proposals' approval window closes (a delayed job, scheduled when they were
 * posted): every proposal still pending is marked expired and audited, and the notifier edits its
 * card to say so — without anyone having to click first. A job that runs early (clock skew) asks
 * to be run again at the expiry. (While a cluster's agent is offline, central does the same from
 * its side: src/cluster/expiry-sweep.ts.)
 */
export async function processExpiry(ctx: PipelineContext, job: Job): Promise<ExpireResult> {
  const parsed = investigateJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError("invalid expire job: bad payload");
  const id = parsed.data.investigationId;
  const { investigation: updated, expired } = await expireDueProposals(
    {
      store: ctx.store,
      audit: ctx.audit,
      now: ctx.deps.clock(),
      notify: (investigation) => ctx.deps.notifier.notify(investigation, { type: "status" }),
    },
    id,
  );
  if (!updated) return { investigationId: id, expired: [] };
  const open = updated.proposals.filter((record) => record.state === "pending");
  const next = open.map((record) => Date.parse(record.expiresAt)).sort((a, b) => a - b)[0];
  if (next !== undefined && ctx.scheduleExpiry) {
    await ctx.scheduleExpiry(id, new Date(next));
    return { investigationId: id, expired, nextAt: new Date(next).toISOString() };
  }
  return { investigationId: id, expired };
}
