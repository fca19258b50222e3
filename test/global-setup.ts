import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { ensurePrometheusBinaries } from "../src/dev/local-prometheus.js";
import { ensureRedis, type LocalRedis } from "../src/dev/local-redis.js";

let redis: LocalRedis | undefined;

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * One Redis for the whole run: REDIS_URL when it answers, else a local redis-server we start; and
 * Debian's prometheus package (prometheus + promtool) for the Prometheus tests, when missing.
 */
export async function setup(project: TestProject): Promise<void> {
  redis = await ensureRedis({ log: (line) => console.log(`[global-setup] ${line}`) });
  process.env.REDIS_URL = redis.url;
  project.provide("redisUrl", redis.url);
  // Once, before test files run in parallel (two apt-get runs would fight over the dpkg lock).
  ensurePrometheusBinaries((line) => console.log(`[global-setup] ${line}`));
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}
