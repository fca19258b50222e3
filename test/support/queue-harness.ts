import type { Redis } from "ioredis";
import type { Investigation, InvestigationUpdate } from "../../src/domain/investigation.js";
import { createProducerConnection, waitReady } from "../../src/queue/connection.js";
import type { PipelineDeps } from "../../src/queue/deps.js";
import { Producer } from "../../src/queue/producer.js";
import type { RedisTarget } from "../../src/queue/redis-settings.js";
import { type PipelineWorkers, startPipelineWorkers } from "../../src/queue/worker.js";
import { policyFor, scriptedDeps, stepOf, uniquePrefix, waitFor } from "./queue-helpers.js";

/** A producer and an in-process worker on a fresh prefix. */
export interface Harness {
  producer: Producer;
  workers: PipelineWorkers;
  redis: Redis;
  prefix: string;
  /** Every notification that went through, as `<id> <step>`. */
  posts: string[];
  /** Closes workers (grace period `graceMs`, default 5 s), producer and connection. */
  close(graceMs?: number): Promise<void>;
}

export interface HarnessOptions {
  /** Share queues with another harness (default: a fresh prefix). */
  prefix?: string;
  lockDuration?: number;
  stalledInterval?: number;
  namespaces?: string[];
  attempts?: number;
  /** Runs before each post; throwing makes the post fail (e.g. Slack down). */
  beforeNotify?: (investigation: Investigation, update: InvestigationUpdate) => void | Promise<void>;
}

/** Starts a harness against `redisUrl` with scripted deps (override what the test is about). */
export async function startHarness(
  redisUrl: RedisTarget,
  overrides: Partial<PipelineDeps> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const prefix = options.prefix ?? uniquePrefix("pipe");
  const redis = createProducerConnection(redisUrl);
  await waitReady(redis);
  const producer = new Producer({
    redis,
    prefix,
    retentionHours: 1,
    retry: { attempts: options.attempts ?? 3, backoffMs: 10 },
  });
  const posts: string[] = [];
  const notifier = {
    async notify(investigation: Investigation, update: InvestigationUpdate) {
      await options.beforeNotify?.(investigation, update);
      posts.push(`${investigation.id} ${stepOf(update, investigation.status)}`);
    },
  };
  const workers = await startPipelineWorkers({
    redisUrl,
    prefix,
    deps: scriptedDeps({ notifier, ...overrides }),
    policy: policyFor(options.namespaces),
    concurrency: 2,
    retentionHours: 1,
    ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
    ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
  });
  return {
    producer,
    workers,
    redis,
    prefix,
    posts,
    async close(graceMs = 5000) {
      await workers.close(graceMs);
      await producer.close();
      await redis.quit();
    },
  };
}

/** Waits until the investigation reaches one of `statuses`. */
export function settled(h: Harness, id: string, statuses: Investigation["status"][]): Promise<Investigation> {
  return waitFor(
    async () => {
      const record = await h.producer.store.get(id);
      return record && statuses.includes(record.status) ? record : undefined;
    },
    `investigation ${id} to reach ${statuses.join("|")}`,
  );
}

/** Waits until the investigation's job has finished (after its last post), in either outcome. */
export function jobFinished(h: Harness, id: string): Promise<number> {
  return waitFor(
    async () => (await h.producer.investigations.getJob(id))?.finishedOn,
    `the job of ${id} to finish`,
  );
}
