import { type Job, UnrecoverableError } from "bullmq";
import type { ExecutionOutcome, Investigation, ProposalRecord } from "../domain/investigation.js";
import { statusAfterValidatedFix } from "../domain/resolution.js";
import { errorMessage, RemediationRefused } from "../errors.js";
import { enterPhase, failInvestigation, notifyOnce, type PipelineContext } from "./context.js";
import { type RemediateJob, remediateJobSchema } from "./jobs.js";
import { DEFAULT_CLUSTER } from "./scope.js";
import { isFinal } from "./status.js";
import { approvalStartDeadline } from "./tokens.js";

/** What a remediate job returns. */
export interface RemediateResult {
  investigationId: string;
  proposalId: string;
  state: ProposalRecord["state"];
  skipped?: boolean;
}

const DONE_STATES = new Set<ProposalRecord["state"]>(["succeeded", "failed", "refused", "rolled-back"]);

/**
 * Executes one approved proposal exactly once. The gate is the proposal's state: only the attempt
 * that moves it from `approved` to `executing` (compare-and-swap) may call the executor. An attempt
 * that finds it already `executing` knows a previous one died mid-change; it never re-applies a
 * change whose effect is unknown, and reports that instead.
 */
export async function processRemediation(
  ctx: PipelineContext,
  job: Job,
  signal: AbortSignal = new AbortController().signal,
): Promise<RemediateResult> {
  const parsed = remediateJobSchema.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(
      `invalid remediate job: ${parsed.error.issues[0]?.message ?? "bad payload"}`,
    );
  }
  const { investigationId: id, proposalId, approvedBy, mode } = parsed.data;
  const own = ctx.cluster ?? DEFAULT_CLUSTER;
  const jobCluster = parsed.data.cluster ?? DEFAULT_CLUSTER;
  if (jobCluster !== own) {
    await refuseForeign(
      ctx,
      parsed.data,
      "wrong-cluster",
      `the job is for cluster ${jobCluster}, this executor is cluster ${own}'s`,
    );
  }
  const found = await ctx.store.get(id);
  const initial = found?.proposals.find((record) => record.proposal.id === proposalId);
  if (!found || !initial) {
    // On a queue of its own cluster, a job naming a proposal its store does not hold is either
    // expired or forged (another cluster's proposal): audited, never executed.
    await refuseForeign(
      ctx,
      parsed.data,
      "unknown-proposal",
      `proposal ${proposalId} of ${id} is unknown or expired in cluster ${own}`,
    );
  }
  const recordCluster = found?.trigger.cluster ?? DEFAULT_CLUSTER;
  if (found && recordCluster !== own) {
    await refuseForeign(
      ctx,
      parsed.data,
      "wrong-cluster",
      `investigation ${id} belongs to cluster ${recordCluster}, this executor is cluster ${own}'s`,
    );
  }
  if (!found || !initial)
    throw new UnrecoverableError(`proposal ${proposalId} of ${id} is unknown or expired`);
  if (DONE_STATES.has(initial.state)) {
    // A retry after the change ran and its outcome was stored: only the thread may be missing it.
    if (initial.outcome) await announceOutcome(ctx, id, proposalId, initial.outcome, true);
    return { investigationId: id, proposalId, state: initial.state, skipped: true };
  }
  if (initial.state === "executing") {
    const error = new RemediationRefused(
      "EXECUTION_INTERRUPTED",
      `execution of ${proposalId} was interrupted; its effect is unknown, so it is not re-applied — re-run triage to check the cluster`,
    );
    await finish(ctx, id, proposalId, { status: "failed", message: error.message });
    throw new UnrecoverableError(error.message);
  }
  if (initial.state !== "approved") {
    throw new UnrecoverableError(`proposal ${proposalId} is ${initial.state}, not approved`);
  }

  const clock = ctx.deps.clock();
  const now = clock.toISOString();
  const startBy = approvalStartDeadline(initial);
  const stale = clock.getTime() > startBy.getTime();
  let claimed = false;
  await ctx.store.update(id, (record) => {
    const target = record.proposals.find((candidate) => candidate.proposal.id === proposalId);
    claimed = target?.state === "approved";
    if (!target || !claimed) return undefined;
    // Claimed either way, so a second attempt can neither run nor refuse it again.
    target.state = "executing";
    record.updatedAt = now;
    return record;
  });
  if (!claimed) return { investigationId: id, proposalId, state: "executing", skipped: true };
  if (stale) {
    const approved = initial.decidedAt ? `approved ${minuteUtc(initial.decidedAt)}, ` : "";
    const message = `no executor of cluster ${own} started it before ${minuteUtc(startBy.toISOString())} (${approved}picked up ${minuteUtc(now)}), and the cluster may have changed since it was checked — run /triage ${found.trigger.namespace} again`;
    await finish(ctx, id, proposalId, { status: "refused", message }, approvedBy);
    throw new UnrecoverableError(message);
  }

  const executing = await moveInvestigation(
    ctx,
    id,
    "executing",
    `${proposalId} (${mode}, by ${approvedBy})`,
    // Per fix: a second fix of a multi-cause incident enters "executing" again.
    `status:executing:${proposalId}`,
  );
  const record = executing.proposals.find(
    (candidate) => candidate.proposal.id === proposalId,
  ) as ProposalRecord;
  let outcome: ExecutionOutcome;
  try {
    outcome = await ctx.deps.remediate({
      investigation: executing,
      record,
      approvedBy,
      mode,
      policy: ctx.policy,
      signal,
    });
  } catch (error) {
    outcome = { status: "failed", message: `execution failed: ${errorMessage(error)}` };
  }
  const state = await finish(ctx, id, proposalId, outcome, approvedBy);
  if (outcome.status !== "succeeded") throw new UnrecoverableError(outcome.message);
  return { investigationId: id, proposalId, state };
}

/**
 * Moves the investigation when the lifecycle allows it (another proposal may have moved it on).
 * With `resume` (a retry), a phase it is already in is announced again, once-marked: the first
 * attempt may have entered it and then failed to post.
 */
async function moveInvestigation(
  ctx: PipelineContext,
  id: string,
  status: Investigation["status"],
  note: string,
  step?: string,
  resume = false,
): Promise<Investigation> {
  const current = await ctx.store.require(id);
  if (current.status === status && resume) {
    await notifyOnce(ctx, current, step ?? `status:${status}`, { type: "status" });
  }
  if (isFinal(current.status) || current.status === status) return current;
  return enterPhase(ctx, id, status, { note, ...(step ? { step } : {}) });
}

/** Stores the outcome, audits execution and validation, sets the final status, notifies. */
async function finish(
  ctx: PipelineContext,
  id: string,
  proposalId: string,
  outcome: ExecutionOutcome,
  actor?: string,
): Promise<ProposalRecord["state"]> {
  const state: ProposalRecord["state"] =
    outcome.status === "succeeded" ? (outcome.rolledBack ? "rolled-back" : "succeeded") : outcome.status;
  const at = ctx.deps.clock().toISOString();
  const updated = await ctx.store.update(id, (record) => {
    const target = record.proposals.find((candidate) => candidate.proposal.id === proposalId);
    if (!target) return undefined;
    target.state = state;
    target.outcome = outcome;
    record.updatedAt = at;
    return record;
  });
  await ctx.audit.append({
    kind: "execution",
    investigationId: id,
    at,
    ...(actor ? { actor } : {}),
    data: { proposalId, status: outcome.status, message: outcome.message, rolledBack: outcome.rolledBack },
  });
  if (outcome.validation) {
    await ctx.audit.append({
      kind: "validation",
      investigationId: id,
      at: outcome.validation.checkedAt,
      data: { proposalId, verdict: outcome.validation.verdict, evidence: outcome.validation.evidence },
    });
  }
  const action = updated.proposals.find((candidate) => candidate.proposal.id === proposalId)?.proposal.action;
  ctx.metrics?.inc("remediations", { action: action ?? "unknown", outcome: state });
  await announceOutcome(ctx, id, proposalId, outcome, false);
  return state;
}

/**
 * Tells the thread what the execution did and moves the investigation on. Every step is
 * once-marked, so a `retry` after a failed post (the change already ran, its outcome is stored)
 * posts exactly what is missing, a phase the first attempt entered but could not post included.
 */
async function announceOutcome(
  ctx: PipelineContext,
  id: string,
  proposalId: string,
  outcome: ExecutionOutcome,
  retry: boolean,
): Promise<void> {
  const move = (status: Investigation["status"], step?: string) =>
    moveInvestigation(ctx, id, status, proposalId, step, retry);
  const updated = await ctx.store.require(id);
  await notifyOnce(ctx, updated, `execution:${proposalId}`, { type: "execution", proposalId });
  const fixed =
    outcome.status === "succeeded" &&
    !outcome.rolledBack &&
    (!outcome.validation || outcome.validation.verdict === "resolved");
  if (outcome.validation) {
    await move("validating", `status:validating:${proposalId}`);
  }
  if (fixed) {
    // One validated fix resolves the incident only when it was the last open root cause: the
    // others (another workload's image, a missing Secret) are still failing.
    const before = await ctx.store.require(id);
    const next = statusAfterValidatedFix(before);
    if (next) {
      // A phase entered again (proposed after the first fix) needs its own notification key, or
      // the parent would keep saying what it said before the fix.
      const step = next === "resolved" ? undefined : `status:${next}:after:${proposalId}`;
      const after = await move(next, step);
      if (before.status !== "resolved" && after.status === "resolved") {
        ctx.metrics?.inc("investigations", { trigger: after.trigger.source, outcome: "resolved" });
      }
    }
  } else {
    const reason = outcome.validation
      ? `${proposalId}: ${outcome.validation.verdict}`
      : `${proposalId}: ${outcome.status}: ${outcome.message}`;
    const current = await ctx.store.require(id);
    // A retry: the first attempt may have failed the investigation and then not got to post it.
    if (retry && current.status === "failed") {
      await notifyOnce(ctx, current, "failed", { type: "failed", error: current.error ?? reason });
    } else {
      await failInvestigation(ctx, id, new Error(reason));
    }
  }
}

/**
 * Refuses a remediation job this executor must not run: audited in its own scope (kind refusal,
 * with the job's claims), counted, and failed without retry. Nothing is read from or written to
 * the cluster, and the investigation it names is left alone (it may not even be this cluster's).
 */
async function refuseForeign(
  ctx: PipelineContext,
  job: RemediateJob,
  reason: "wrong-cluster" | "unknown-proposal",
  detail: string,
): Promise<never> {
  await ctx.audit.append({
    kind: "refusal",
    investigationId: job.investigationId,
    at: ctx.deps.clock().toISOString(),
    actor: job.approvedBy,
    data: {
      decision: "execute",
      reason,
      detail,
      proposalId: job.proposalId,
      jobCluster: job.cluster ?? DEFAULT_CLUSTER,
      executorCluster: ctx.cluster ?? DEFAULT_CLUSTER,
    },
  });
  ctx.metrics?.inc("remediations", { action: "unknown", outcome: "refused" });
  ctx.logger.warn("refused a remediation job", { reason, detail, investigationId: job.investigationId });
  throw new UnrecoverableError(`remediation refused (${reason}): ${detail}`);
}

/** `2026-12-04 10:34 UTC`: what people read in the thread and the audit. */
function minuteUtc(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}
