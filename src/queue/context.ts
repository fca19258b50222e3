import { UnrecoverableError } from "bullmq";
import type { Redis } from "ioredis";
import type { Policy } from "../config/policy.js";
import type { Investigation, InvestigationStatus, InvestigationUpdate } from "../domain/investigation.js";
import { errorMessage, TriageError } from "../errors.js";
import type { Logger } from "../log.js";
import type { MetricsRecorder } from "../metrics/registry.js";
import type { AuditTrail } from "./audit.js";
import type { PipelineDeps } from "./deps.js";
import type { RemediateJob } from "./jobs.js";
import { publishProgress } from "./progress.js";
import type { RateLimiter } from "./rate-limit.js";
import { isFinal } from "./status.js";
import type { InvestigationStore } from "./store.js";

/** What a job processor works with (built once per worker process). */
export interface PipelineContext {
  store: InvestigationStore;
  audit: AuditTrail;
  deps: PipelineDeps;
  policy: Policy;
  /** Connection used to publish progress events. */
  redis: Redis;
  prefix: string;
  modelLimiter?: RateLimiter;
  enqueueRemediation(job: RemediateJob): Promise<void>;
  /** Schedules the delayed job that expires the investigation's open proposals at `at`. */
  scheduleExpiry?(investigationId: string, at: Date): Promise<void>;
  logger: Logger;
  /** Counters and phase durations (kept in Redis, shown by serve's /metrics); none when absent. */
  metrics?: MetricsRecorder;
  /**
   * The cluster this worker is the agent of (its scope is `prefix`); absent = the default cluster.
   * The executor refuses remediation jobs of any other cluster.
   */
  cluster?: string;
}

/**
 * Posts an update once per investigation and step, even across retries: a step is marked only
 * after the notifier returned, so a crash mid-post leads to a re-post on retry (at-least-once,
 * duplicates only if the process dies between the post and the mark).
 */
export async function notifyOnce(
  ctx: PipelineContext,
  investigation: Investigation,
  step: string,
  update: InvestigationUpdate,
): Promise<void> {
  if (await ctx.store.wasNotified(investigation.id, step)) return;
  await ctx.deps.notifier.notify(investigation, update);
  await ctx.store.markNotified(investigation.id, step);
}

/** Publishes a phase change everywhere it is watched: audit, pub/sub, and the status message. */
export async function announceStatus(ctx: PipelineContext, investigation: Investigation): Promise<void> {
  const last = investigation.timeline[investigation.timeline.length - 1];
  const event = {
    investigationId: investigation.id,
    status: investigation.status,
    at: last?.at ?? investigation.updatedAt,
    ...(last?.note ? { note: last.note } : {}),
  };
  await publishProgress(ctx.redis, event, ctx.prefix);
  await notifyOnce(ctx, investigation, `status:${investigation.status}`, { type: "status" });
}

/**
 * Moves to a phase, records it in the audit trail, and announces it (unless `quiet`: the caller
 * announces later, e.g. after posting the RCA that the new status refers to).
 */
export async function enterPhase(
  ctx: PipelineContext,
  id: string,
  status: InvestigationStatus,
  options: { note?: string; patch?: (record: Investigation) => void; quiet?: boolean } = {},
): Promise<Investigation> {
  const before = await ctx.store.require(id);
  const investigation = await ctx.store.transition(id, status, ctx.deps.clock(), options);
  if (before.status !== status) {
    await ctx.audit.append({
      kind: "status",
      investigationId: id,
      at: investigation.updatedAt,
      data: { from: before.status, to: status, ...(options.note ? { note: options.note } : {}) },
    });
  }
  if (!options.quiet) await announceStatus(ctx, investigation);
  return investigation;
}

/** True when retrying cannot help. */
export function isPermanent(error: unknown): boolean {
  if (error instanceof UnrecoverableError) return true;
  if (error instanceof TriageError) return error.permanent;
  return false;
}

/**
 * Records a failure that ends the investigation (status failed, error, audit, notification).
 * Idempotent: an investigation that is already final is left alone.
 */
export async function failInvestigation(ctx: PipelineContext, id: string, error: unknown): Promise<void> {
  const message = errorMessage(error);
  let failed: Investigation | undefined;
  // The status check and the change are one compare-and-swap: of several callers (the processor,
  // the stalled-job listeners of several workers) exactly one moves it to failed and notifies.
  const at = ctx.deps.clock().toISOString();
  const record = await ctx.store.get(id);
  if (!record) return;
  await ctx.store.update(id, (current) => {
    failed = undefined;
    if (isFinal(current.status)) return undefined;
    current.status = "failed";
    current.error = message;
    current.updatedAt = at;
    current.timeline.push({ status: "failed", at, note: message });
    failed = current;
    return current;
  });
  if (!failed) return;
  ctx.metrics?.inc("investigations", { trigger: failed.trigger.source, outcome: "failed" });
  await ctx.audit.append({
    kind: "failure",
    investigationId: id,
    at: failed.updatedAt,
    data: { error: message, code: error instanceof TriageError ? error.code : undefined },
  });
  await publishProgress(
    ctx.redis,
    { investigationId: id, status: "failed", at: failed.updatedAt, note: message },
    ctx.prefix,
  );
  await notifyOnce(ctx, failed, "failed", { type: "failed", error: message });
}
