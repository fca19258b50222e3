import { type Job, UnrecoverableError } from "bullmq";
import { anyGlob } from "../config/glob.js";
import { namespaceName } from "../domain/actions.js";
import type { Investigation } from "../domain/investigation.js";
import type { RcaReport } from "../domain/rca.js";
import { errorMessage, InputError, TriageError } from "../errors.js";
import { nameCluster } from "../triage/cluster.js";
import {
  announceStatus,
  enterPhase,
  failInvestigation,
  isPermanent,
  notifyOnce,
  type PipelineContext,
} from "./context.js";
import { unreadableReason } from "./coverage.js";
import { investigateJobSchema } from "./jobs.js";
import { proposalRecords } from "./tokens.js";

/** What an investigate job returns (kept in BullMQ's completed set for a while). */
export interface InvestigateResult {
  investigationId: string;
  status: Investigation["status"];
  /** True when the job found the work already done (a duplicate or a late retry). */
  skipped?: boolean;
}

const WORKING = new Set<Investigation["status"]>(["queued", "collecting", "analyzing"]);
const ANNOUNCING = new Set<Investigation["status"]>(["proposed", "completed"]);

/**
 * Runs one investigation: collect, triage, analyze, propose. Each phase is a checkpoint in the
 * record, so a job retried after a crash resumes after the last finished phase, and every
 * notification is posted once. Bad input fails at once (UnrecoverableError, recorded, notified);
 * other errors are retried with backoff and recorded as the failure when attempts run out.
 */
export async function processInvestigation(
  ctx: PipelineContext,
  job: Job,
  signal: AbortSignal = new AbortController().signal,
): Promise<InvestigateResult> {
  const parsed = investigateJobSchema.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(
      `invalid investigate job: ${parsed.error.issues[0]?.message ?? "bad payload"}`,
    );
  }
  const { investigationId: id } = parsed.data;
  const record = await ctx.store.get(id);
  if (!record) throw new UnrecoverableError(`investigation ${id} is unknown or expired`);
  if (!WORKING.has(record.status) && !ANNOUNCING.has(record.status)) {
    return { investigationId: id, status: record.status, skipped: true };
  }
  try {
    const done = await runPhases(ctx, record, job, signal);
    return { investigationId: id, status: done.status };
  } catch (error) {
    const permanent = isPermanent(error);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    ctx.logger.warn("investigation attempt failed", {
      investigationId: id,
      attempt: job.attemptsMade + 1,
      permanent,
      error: errorMessage(error),
    });
    if (permanent || lastAttempt) await failInvestigation(ctx, id, error);
    if (permanent && !(error instanceof UnrecoverableError))
      throw new UnrecoverableError(errorMessage(error));
    throw error;
  }
}

async function runPhases(
  ctx: PipelineContext,
  start: Investigation,
  job: Job,
  signal: AbortSignal,
): Promise<Investigation> {
  const { deps, store, policy } = ctx;
  const namespace = start.trigger.namespace;
  if (namespace !== "*" && !namespaceName.safeParse(namespace).success) {
    throw new InputError("NAMESPACE_INVALID", `'${namespace}' is not a valid namespace name`);
  }
  // "*" (all namespaces) is only allowed when the policy allows every namespace.
  if (!anyGlob(policy.namespaces, namespace)) {
    throw new InputError(
      "NAMESPACE_NOT_ALLOWED",
      `namespace '${namespace}' is not allowed by the triage policy`,
    );
  }
  let investigation = start;

  if (!investigation.triage) {
    investigation = await enterPhase(ctx, investigation.id, "collecting");
    await job.updateProgress({ status: "collecting" });
    const collectStarted = performance.now();
    const snapshot = await deps.collect(investigation.trigger, signal);
    const triageStarted = observePhase(ctx, "collect", collectStarted);
    const triage = nameCluster(deps.triage(snapshot, { namespace }), ctx.cluster);
    observePhase(ctx, "triage", triageStarted);
    investigation = await store.update(investigation.id, (current) => {
      current.triage = triage;
      // Prometheus's charts (the alert's series, memory vs limit) go to the thread with the result.
      const charts = snapshot.prometheus?.charts ?? [];
      if (charts.length > 0) current.charts = [...(current.charts ?? []), ...charts];
      current.updatedAt = deps.clock().toISOString();
      return current;
    });
  }
  // Everything refused: a failure to investigate, never a green "no problems found".
  const unreadable = investigation.triage && unreadableReason(investigation.triage);
  if (unreadable) throw new TriageError("NOTHING_READABLE", unreadable, { permanent: true });
  await notifyOnce(ctx, investigation, "triage", { type: "triage" });

  const triage = investigation.triage;
  if (!investigation.rca && triage) {
    investigation = await enterPhase(ctx, investigation.id, "analyzing");
    await job.updateProgress({ status: "analyzing" });
    if (deps.analyzeUsesModel && ctx.modelLimiter) await ctx.modelLimiter.acquire(signal);
    const analyzeStarted = performance.now();
    const rca = await deps.analyze({ investigation, trigger: investigation.trigger, triage, policy, signal });
    observePhase(ctx, "analyze", analyzeStarted);
    recordUsage(ctx, rca.usage);
    const now = deps.clock();
    const proposals = proposalRecords(rca.proposals, now, policy.remediation.approvalTtlMinutes);
    // Tokens resolve before anyone can see the proposals, so no button press finds them unknown.
    await store.registerTokens({ id: investigation.id, proposals });
    // The approval window closes by itself: a delayed job expires what is still open then.
    const first = proposals[0];
    if (first && ctx.scheduleExpiry) await ctx.scheduleExpiry(investigation.id, new Date(first.expiresAt));
    investigation = await enterPhase(ctx, investigation.id, proposals.length > 0 ? "proposed" : "completed", {
      quiet: true,
      patch: (current) => {
        current.rca = rca;
        current.proposals = proposals;
      },
    });
  }
  await job.updateProgress({ status: investigation.status });
  const postStarted = performance.now();
  const announced = await announceResult(ctx, investigation);
  observePhase(ctx, "post", postStarted);
  // Counted once the result is out, and once only: a retried job finds the mark.
  if (ctx.metrics && (await ctx.store.markNotified(announced.id, "metrics:outcome"))) {
    ctx.metrics.inc("investigations", { trigger: announced.trigger.source, outcome: investigation.status });
  }
  return announced;
}

/** Records how long a phase took since `started` (performance.now()); returns the current time. */
function observePhase(ctx: PipelineContext, phase: string, started: number): number {
  const now = performance.now();
  ctx.metrics?.observe("phaseDuration", { phase }, (now - started) / 1000);
  return now;
}

/** Model tokens and cost of one analysis (none for the deterministic engine). */
function recordUsage(ctx: PipelineContext, usage: RcaReport["usage"]): void {
  if (!usage || !ctx.metrics) return;
  const kinds: [string, number][] = [
    ["input", usage.inputTokens],
    ["output", usage.outputTokens],
    ["cache_read", usage.cacheReadTokens],
    ["cache_write", usage.cacheWriteTokens],
  ];
  for (const [kind, count] of kinds) if (count > 0) ctx.metrics.inc("modelTokens", { kind }, count);
  if (usage.costUsd > 0) ctx.metrics.inc("modelCost", {}, usage.costUsd);
}

/** Posts the RCA and the proposals (idempotent, so a retry after a crash completes the set). */
async function announceResult(ctx: PipelineContext, investigation: Investigation): Promise<Investigation> {
  await ctx.store.registerTokens(investigation);
  await notifyOnce(ctx, investigation, "rca", { type: "rca" });
  for (const record of investigation.proposals) {
    await notifyOnce(ctx, investigation, `proposal:${record.proposal.id}`, {
      type: "proposal",
      proposalId: record.proposal.id,
    });
  }
  await announceStatus(ctx, investigation);
  return startAutomatic(ctx, investigation);
}

/** Approves (as the policy) and enqueues what automatic mode allows; idempotent across retries. */
async function startAutomatic(ctx: PipelineContext, investigation: Investigation): Promise<Investigation> {
  const ids = (await ctx.deps.autoApprove?.(investigation, ctx.policy)) ?? [];
  let current = investigation;
  for (const proposalId of ids) {
    const at = ctx.deps.clock().toISOString();
    current = await ctx.store.update(current.id, (record) => {
      const target = record.proposals.find((candidate) => candidate.proposal.id === proposalId);
      if (target?.state !== "pending") return undefined;
      target.state = "approved";
      target.mode = "automatic";
      target.decidedBy = "policy";
      target.decidedAt = at;
      record.updatedAt = at;
      return record;
    });
    const target = current.proposals.find((candidate) => candidate.proposal.id === proposalId);
    if (target?.state !== "approved" || target.mode !== "automatic") continue;
    await ctx.audit.append({
      kind: "approval",
      investigationId: current.id,
      at,
      actor: "policy",
      data: { proposalId, mode: "automatic" },
    });
    await ctx.enqueueRemediation({
      investigationId: current.id,
      proposalId,
      approvedBy: "policy",
      mode: "automatic",
    });
  }
  return current;
}
