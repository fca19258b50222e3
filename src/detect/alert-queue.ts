import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import { settleStarts } from "../queue/settle.js";
import type { AlertGroup } from "./alertmanager.js";

/**
 * Alertmanager deliveries are answered once their groups are durably queued in Redis; posting
 * to Slack and starting investigations happen afterwards in this queue's worker. A storm of a
 * thousand alerts over thirty workloads needs thirty paced Slack posts (tens of seconds), far past
 * Alertmanager's 10 s webhook timeout, which would make it retry and duplicate the delivery.
 */
export const ALERT_QUEUE = "alert-groups";
const JOB_NAME = "alert-group";

/** One group of one delivery, as queued. */
export interface AlertGroupJob {
  group: AlertGroup;
  /** When the delivery was received (RFC 3339): the message's "as of" time. */
  receivedAt: string;
}

/** What the worker did with a group (the job's return value; logged and kept with the job). */
export interface AlertGroupOutcome {
  key: string;
  outcome: string;
  investigationId?: string;
}

/** Producer side: queues every group of a delivery in one round trip (MULTI). */
export class AlertQueue {
  readonly queue: Queue;
  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(ALERT_QUEUE, { connection, prefix });
  }

  /** Queues the groups; resolves once Redis holds all of them. Returns the job ids. */
  async record(groups: readonly AlertGroup[], receivedAt: Date): Promise<string[]> {
    const jobs = await this.queue.addBulk(
      groups.map((group) => ({
        name: JOB_NAME,
        data: { group, receivedAt: receivedAt.toISOString() } satisfies AlertGroupJob,
        opts: {
          // Slack or Redis hiccups: retry for about ten minutes before giving up on a group.
          attempts: 8,
          backoff: { type: "exponential", delay: 2000 },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
        },
      })),
    );
    return jobs.map((job) => job.id ?? "");
  }

  async close(): Promise<void> {
    await settleStarts([this.queue]);
    await this.queue.close();
  }
}

/** Consumer side: runs `handle` for every queued group (posting and investigating). */
export function startAlertWorker(options: {
  connection: Redis;
  prefix: string;
  handle: (group: AlertGroup, receivedAt: Date) => Promise<AlertGroupOutcome>;
  log: Logger;
  concurrency?: number;
}): Worker {
  const worker = new Worker(
    ALERT_QUEUE,
    async (job: Job<AlertGroupJob>) => {
      const { group, receivedAt } = job.data;
      if (!group?.key) throw new UnrecoverableError("alert-group job without a group");
      const result = await options.handle(group, new Date(receivedAt));
      options.log.info("alert group handled", { ...result, alerts: group.alerts.length });
      return result;
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency ?? 4 },
  );
  worker.on("failed", (job, error) => {
    options.log.warn("alert group failed", {
      key: job?.data.group.key,
      attempt: job?.attemptsMade,
      error: errorMessage(error),
    });
  });
  worker.on("error", (error) => options.log.warn("alert worker error", { error: errorMessage(error) }));
  return worker;
}
