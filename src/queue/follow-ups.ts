import { type Job, type Queue, UnrecoverableError } from "bullmq";
import type { InvestigationNotifier } from "../domain/investigation.js";
import type { PipelineContext } from "./context.js";
import { type FollowUpJob, followUpJobSchema, JOB_NAMES, type NotifyJob, notifyJobSchema } from "./jobs.js";
import type { InvestigationStore } from "./store.js";

/**
 * Two small jobs that keep each identity where it belongs: @mention follow-ups are answered by a
 * worker (the reader identity reads the cluster; serve has none), and the executor's Slack updates
 * are posted by a worker (the executor holds no Slack token).
 */

const RETRY = {
  attempts: 3,
  backoff: { type: "exponential", delay: 2000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 24 * 3600, count: 1000 },
} as const;

/**
 * A Slack update handed over by an agent: the agent has marked it sent, so this queue is the only
 * one left that can still post it. It outlasts a Slack outage of about 17 minutes (attempts 2 s
 * apart, doubling, ten in all) instead of 6 s; delivery renders the record as it is then, so a late
 * update shows the current state, never a stale one.
 */
export const NOTIFY_RETRY = { ...RETRY, attempts: 10 } as const;

/** Answers one follow-up question in its thread. */
export async function processFollowUp(ctx: PipelineContext, job: Job): Promise<void> {
  const parsed = followUpJobSchema.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(
      `invalid follow-up job: ${parsed.error.issues[0]?.message ?? "bad payload"}`,
    );
  const { investigationId, ...rest } = parsed.data;
  const investigation = await ctx.store.get(investigationId);
  if (!investigation) throw new UnrecoverableError(`investigation ${investigationId} is unknown or expired`);
  if (!ctx.deps.followUp) throw new UnrecoverableError("this worker cannot answer follow-ups");
  await ctx.deps.followUp({ investigation, ...rest });
}

/** Tells Slack about an update the executor recorded, with the record as it is now. */
export async function processNotification(ctx: PipelineContext, job: Job): Promise<void> {
  await deliverNotification(ctx.store, ctx.deps.notifier, job.data);
}

/**
 * One notify job's work, for any consumer of a notifications queue (a worker with a Slack token,
 * or the central serve consuming every cluster agent's queue): the store is the queue's scope's.
 */
export async function deliverNotification(
  store: Pick<InvestigationStore, "get">,
  notifier: InvestigationNotifier,
  data: unknown,
): Promise<void> {
  const parsed = notifyJobSchema.safeParse(data);
  if (!parsed.success)
    throw new UnrecoverableError(`invalid notify job: ${parsed.error.issues[0]?.message ?? "bad payload"}`);
  const investigation = await store.get(parsed.data.investigationId);
  if (!investigation)
    throw new UnrecoverableError(`investigation ${parsed.data.investigationId} is unknown or expired`);
  await notifier.notify(investigation, parsed.data.update);
}

/** Enqueues a follow-up question (serve's @mention listener). */
export async function enqueueFollowUp(queue: Queue, job: FollowUpJob): Promise<void> {
  await queue.add(JOB_NAMES.followUp, followUpJobSchema.parse(job), RETRY);
}

/** A notifier that hands every update to the notifications queue (roles without a Slack token). */
export function queueNotifier(queue: Queue): InvestigationNotifier {
  return {
    async notify(investigation, update) {
      const data: NotifyJob = notifyJobSchema.parse({ investigationId: investigation.id, update });
      await queue.add(JOB_NAMES.notify, data, NOTIFY_RETRY);
    },
  };
}
