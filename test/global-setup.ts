import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { ensureRedis, type LocalRedis } from "../src/dev/local-redis.js";

let redis: LocalRedis | undefined;

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** One Redis for the whole run: REDIS_URL when it answers, else a local redis-server we start. */
export async function setup(project: TestProject): Promise<void> {
  redis = await ensureRedis({ log: (line) => console.log(`[global-setup] ${line}`) });
  process.env.REDIS_URL = redis.url;
  project.provide("redisUrl", redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}
