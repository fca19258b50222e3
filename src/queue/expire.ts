import { type Job, UnrecoverableError } from "bullmq";
import type { Investigation } from "../domain/investigation.js";
import { notifyOnce, type PipelineContext } from "./context.js";
import { investigateJobSchema } from "./jobs.js";
import { isExpired } from "./tokens.js";

/** What an expire job did. */
export interface ExpireResult {
  investigationId: string;
  expired: string[];
  /** When proposals are still open (the job ran early), the time of the next check. */
  nextAt?: string;
}

/**
 * Runs when the proposals' approval window closes (a delayed job, scheduled when they were
 * posted): every proposal still pending is marked expired (compare-and-swap, so a decision that
 * won first stays) and audited, and the notifier edits its card to say so — without anyone having
 * to click first. A job that runs early (clock skew) asks to be run again at the expiry.
 */
export async function processExpiry(ctx: PipelineContext, job: Job): Promise<ExpireResult> {
  const parsed = investigateJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError("invalid expire job: bad payload");
  const id = parsed.data.investigationId;
  const found = await ctx.store.get(id);
  if (!found) return { investigationId: id, expired: [] };
  const now = ctx.deps.clock();
  const expired: string[] = [];
  let updated: Investigation = found;
  if (found.proposals.some((record) => record.state === "pending" && isExpired(record, now))) {
    updated = await ctx.store.update(id, (current) => {
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
    await ctx.audit.append({
      kind: "refusal",
      investigationId: id,
      at: now.toISOString(),
      actor: "expiry",
      data: { proposalId, reason: "expired" },
    });
  }
  if (expired.length > 0) await notifyOnce(ctx, updated, `expired:${expired.join(",")}`, { type: "status" });
  const open = updated.proposals.filter((record) => record.state === "pending");
  const next = open.map((record) => Date.parse(record.expiresAt)).sort((a, b) => a - b)[0];
  if (next !== undefined && ctx.scheduleExpiry) {
    await ctx.scheduleExpiry(id, new Date(next));
    return { investigationId: id, expired, nextAt: new Date(next).toISOString() };
  }
  return { investigationId: id, expired };
}
