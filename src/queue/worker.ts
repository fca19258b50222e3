import { type Job, Queue, QueueEvents, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Policy } from "../config/policy.js";
import { errorMessage } from "../errors.js";
import { log as defaultLog, type Logger } from "../log.js";
import { createRedisMetrics, type MetricsRecorder } from "../metrics/registry.js";
import { AuditTrail } from "./audit.js";
import { createWorkerConnection } from "./connection.js";
import { failInvestigation, type PipelineContext } from "./context.js";
import type { PipelineDeps } from "./deps.js";
import { processExpiry } from "./expire.js";
import { processFollowUp, processNotification } from "./follow-ups.js";
import { processInvestigation } from "./investigate.js";
import { expiryJobId, JOB_NAMES, type RemediateJob, remediateJobSchema, remediationJobId } from "./jobs.js";
import { DEFAULT_PREFIX, keys, QUEUE_NAMES, type QueueKey } from "./keys.js";
import { createRateLimiter } from "./rate-limit.js";
import type { RedisTarget } from "./redis-settings.js";
import { processRemediation } from "./remediate.js";
import { settleStarts } from "./settle.js";
import { InvestigationStore } from "./store.js";

/** Setup of a worker process. */
export interface PipelineWorkerOptions {
  /** A Redis URL, or Sentinel / Cluster settings (`redisSettingsFromEnv`). */
  redisUrl: RedisTarget;
  prefix?: string;
  /** The pipeline's dependencies, or a factory given the worker's store, audit and connection. */
  deps: PipelineDeps | ((runtime: WorkerRuntime) => PipelineDeps);
  policy: Policy;
  /** Jobs processed at once per queue (WORKER_CONCURRENCY). */
  concurrency?: number;
  /** Model calls per minute across all workers (MODEL_CALLS_PER_MINUTE). */
  modelCallsPerMinute?: number;
  retentionHours?: number;
  /**
   * How long a job's lock lasts without renewal; a worker renews it every half of this while it
   * lives, so it only bounds how fast a dead worker's jobs are recovered (default 30 s).
   */
  lockDuration?: number;
  /** How often stalled jobs are looked for (default 15 s). */
  stalledInterval?: number;
  /** Stalls a job may survive before it fails (default 2). */
  maxStalledCount?: number;
  /** Which queues this process consumes (default all). */
  queues?: ReadonlyArray<QueueKey>;
  logger?: Logger;
  /** Where counters and phase durations go (default: Redis under the prefix, as serve's /metrics reads). */
  metrics?: MetricsRecorder;
  /**
   * The cluster whose agent this is (`prefix` must be its scope, see scope.ts): triage results
   * name it, remediation jobs carry it, and jobs of another cluster are refused. Absent = default.
   */
  cluster?: string;
}

/** What a deps factory gets from the starting worker. */
export interface WorkerRuntime {
  store: InvestigationStore;
  audit: AuditTrail;
  redis: Redis;
  logger: Logger;
  metrics: MetricsRecorder;
}

/** Running workers and how to stop them. */
export interface PipelineWorkers {
  investigations?: Worker;
  remediations?: Worker;
  store: InvestigationStore;
  audit: AuditTrail;
  /** Connection for store, audit and progress (waits out Redis outages). */
  redis: Redis;
  /**
   * Stops taking jobs and lets active ones finish for up to `graceMs`; after that, closes hard and
   * the unfinished jobs are recovered by another worker once their lock expires. Idempotent.
   */
  close(graceMs?: number): Promise<void>;
}

/** Starts the investigation and remediation workers of one process. */
export async function startPipelineWorkers(options: PipelineWorkerOptions): Promise<PipelineWorkers> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const logger = (options.logger ?? defaultLog).child({ component: "worker" });
  const redis = createWorkerConnection(options.redisUrl, "pipeline");
  const bullConnection = createWorkerConnection(options.redisUrl, "bullmq");
  const retentionHours = options.retentionHours ?? 72;
  const store = new InvestigationStore(redis, { prefix, retentionHours });
  const audit = new AuditTrail(redis, {
    prefix,
    retentionSeconds: store.retentionSeconds,
    logger,
    ...(options.cluster && options.cluster !== "default" ? { cluster: options.cluster } : {}),
  });
  const remediationQueue = new Queue(QUEUE_NAMES.remediations, { connection: bullConnection, prefix });
  const investigationQueue = new Queue(QUEUE_NAMES.investigations, { connection: bullConnection, prefix });

  const metrics =
    options.metrics ??
    createRedisMetrics(
      redis,
      prefix,
      options.cluster && options.cluster !== "default" ? { cluster: options.cluster } : {},
    );
  const deps =
    typeof options.deps === "function"
      ? options.deps({ store, audit, redis, logger, metrics })
      : options.deps;
  const ctx: PipelineContext = {
    store,
    audit,
    deps,
    policy: options.policy,
    redis,
    prefix,
    logger,
    metrics,
    ...(options.cluster ? { cluster: options.cluster } : {}),
    modelLimiter: createRateLimiter(redis, {
      key: keys(prefix).rateLimit("model"),
      perMinute: options.modelCallsPerMinute ?? 30,
    }),
    async enqueueRemediation(job: RemediateJob) {
      const data = remediateJobSchema.parse(
        options.cluster ? { ...job, cluster: job.cluster ?? options.cluster } : job,
      );
      await remediationQueue.add(JOB_NAMES.remediate, data, {
        jobId: remediationJobId(data.investigationId, data.proposalId),
        attempts: 3,
        backoff: { type: "exponential", delay: 2000 },
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
      });
    },
    async scheduleExpiry(investigationId: string, at: Date) {
      // Delays are measured on this machine's clock; the job re-checks against the pipeline's.
      const delay = Math.max(0, at.getTime() - Date.now());
      await investigationQueue.add(
        JOB_NAMES.expire,
        { investigationId },
        {
          jobId: expiryJobId(investigationId, at),
          delay,
          attempts: 3,
          backoff: { type: "exponential", delay: 2000 },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
        },
      );
    },
  };

  const workerOptions = {
    connection: bullConnection,
    prefix,
    concurrency: options.concurrency ?? 4,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 15_000,
    maxStalledCount: options.maxStalledCount ?? 2,
    autorun: false,
  };
  const wanted = new Set<QueueKey>(
    options.queues ?? ["investigations", "remediations", "followUps", "notifications"],
  );
  const processors: Record<QueueKey, (job: Job, signal?: AbortSignal) => Promise<unknown>> = {
    investigations: (job, signal) =>
      job.name === JOB_NAMES.expire ? processExpiry(ctx, job) : processInvestigation(ctx, job, signal),
    remediations: (job, signal) => processRemediation(ctx, job, signal),
    followUps: (job) => processFollowUp(ctx, job),
    notifications: (job) => processNotification(ctx, job),
  };
  const workers: Worker[] = [];
  const byKey: Partial<Record<QueueKey, Worker>> = {};
  for (const key of Object.keys(processors) as QueueKey[]) {
    if (!wanted.has(key)) continue;
    const process = processors[key];
    const worker = new Worker(
      QUEUE_NAMES[key],
      (job: Job, _token?: string, signal?: AbortSignal) => process(job, signal),
      workerOptions,
    );
    byKey[key] = worker;
    workers.push(worker);
  }
  const investigations = byKey.investigations;
  const remediations = byKey.remediations;
  // QueueEvents blocks on XREAD, so it gets a connection of its own.
  const eventsConnection = createWorkerConnection(options.redisUrl, "events");
  const eventConnections: Redis[] = [];
  // Only the pipeline's own jobs fail their investigation when they stall out.
  const watched = [investigations, remediations].filter((worker): worker is Worker => worker !== undefined);
  const queueEvents: QueueEvents[] = watched.map((worker) => {
    const connection = eventsConnection.duplicate();
    eventConnections.push(connection);
    const events = new QueueEvents(worker.name, { connection, prefix });
    const queue = worker.name === QUEUE_NAMES.remediations ? remediationQueue : investigationQueue;
    events.on("error", (error) =>
      logger.warn("queue events error", { queue: worker.name, error: errorMessage(error) }),
    );
    watchStalledFailures(events, queue, ctx);
    return events;
  });
  for (const worker of workers) {
    worker.on("error", (error) =>
      logger.warn("worker error", { queue: worker.name, error: errorMessage(error) }),
    );
    worker.on("stalled", (jobId) => logger.warn("recovered a stalled job", { queue: worker.name, jobId }));
    void worker
      .run()
      .catch((error: unknown) => logger.error("worker stopped", { error: errorMessage(error) }));
  }
  await Promise.all([
    ...workers.map((worker) => worker.waitUntilReady()),
    ...queueEvents.map((events) => events.waitUntilReady()),
  ]);
  logger.info("workers started", { prefix, queues: [...wanted], concurrency: workerOptions.concurrency });

  let closing: Promise<void> | undefined;
  const close = (graceMs = 30_000) => {
    closing ??= (async () => {
      // pause() stops fetching and waits for active jobs; close() would too, but BullMQ memoizes
      // the first close() call, so a later close(true) could never cut the wait short.
      const graceful = Promise.all(workers.map((worker) => worker.pause()));
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), graceMs);
      });
      const result = await Promise.race([graceful.then(() => "done" as const), expired]);
      clearTimeout(timer);
      if (result === "timeout") {
        // Their locks stop being renewed and expire; another worker's stalled check takes them.
        logger.warn("grace period over: closing with jobs still active (they will be recovered)");
      }
      await settleStarts([...workers, ...queueEvents, remediationQueue, investigationQueue]);
      await Promise.all(workers.map((worker) => worker.close(result === "timeout")));
      await Promise.allSettled(queueEvents.map((events) => events.close()));
      try {
        await deps.close?.();
      } catch (error) {
        logger.warn("closing the pipeline dependencies failed", { error: errorMessage(error) });
      }
      await Promise.all([remediationQueue.close(), investigationQueue.close()]);
      await metrics.flush();
      // BullMQ leaves connections it was handed open; they are ours to close.
      const connections = [redis, bullConnection, eventsConnection, ...eventConnections];
      await Promise.allSettled(connections.map((connection) => connection.quit()));
      for (const connection of connections) connection.disconnect();
      logger.info("workers stopped");
    })();
    return closing;
  };
  return { investigations, remediations, store, audit, redis, close };
}

/**
 * A job can fail without the processor seeing it: it stalled (its worker died) more often than
 * allowed, and BullMQ's stalled checker failed it. Only the queue's event stream reports that, so
 * listen there; record it on the investigation and tell the humans (failInvestigation is
 * idempotent, so several workers hearing the same event post once). Every other failure went
 * through the processor, which recorded what it means (a forged remediation job, for one, must
 * not fail the investigation it names).
 */
function watchStalledFailures(events: QueueEvents, queue: Queue, ctx: PipelineContext): void {
  events.on("failed", ({ jobId, failedReason }) => {
    if (!/stalled more than allowable limit/.test(failedReason)) return;
    void (async () => {
      const job = await queue.getJob(jobId);
      const id = (job?.data as { investigationId?: unknown } | undefined)?.investigationId;
      if (typeof id !== "string") return;
      await failInvestigation(
        ctx,
        id,
        new Error(`${queue.name} job stalled too often (its worker died): ${failedReason}`),
      );
    })().catch((cause: unknown) =>
      ctx.logger.warn("could not record a stalled-out job", { jobId, error: errorMessage(cause) }),
    );
  });
}
