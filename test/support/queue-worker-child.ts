/**
 * A worker process for crash tests: the real pipeline workers with scripted deps. The analysis
 * announces itself in Redis (`<prefix>:test:analyze-started`) and then waits until the key
 * `<prefix>:test:gate` exists, so a test can kill the process mid-job. Every notification is
 * recorded in the list `<prefix>:test:posts`, shared by all processes of one test.
 *
 * Env: REDIS_URL, QUEUE_PREFIX, LOCK_DURATION_MS, STALLED_INTERVAL_MS, MAX_STALLED_COUNT, CONCURRENCY.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { startPipelineWorkers } from "../../src/queue/worker.js";
import { policyFor, redisListNotifier, restartProposal, scriptedDeps, scriptedRca } from "./queue-helpers.js";

const url = process.env.REDIS_URL as string;
const prefix = process.env.QUEUE_PREFIX as string;
const redis = new Redis(url, { maxRetriesPerRequest: null });

const workers = await startPipelineWorkers({
  redisUrl: url,
  prefix,
  policy: policyFor(),
  concurrency: Number(process.env.CONCURRENCY ?? 4),
  lockDuration: Number(process.env.LOCK_DURATION_MS ?? 30_000),
  stalledInterval: Number(process.env.STALLED_INTERVAL_MS ?? 15_000),
  maxStalledCount: Number(process.env.MAX_STALLED_COUNT ?? 2),
  retentionHours: 1,
  deps: scriptedDeps({
    notifier: redisListNotifier(redis, `${prefix}:test:posts`),
    analyze: async ({ investigation, triage, signal }) => {
      await redis.rpush(`${prefix}:test:analyze-started`, `${investigation.id} ${process.pid}`);
      while (!(await redis.exists(`${prefix}:test:gate`))) await sleep(20, undefined, { signal });
      return scriptedRca(triage, [restartProposal(investigation.trigger.namespace)]);
    },
  }),
});

const shutdown = async () => {
  await workers.close(10_000);
  await redis.quit();
  process.exit(0);
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
process.stdout.write("ready\n");
