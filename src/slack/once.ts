import type { Redis } from "ioredis";
import type { OnceGuard } from "./deps.js";

/**
 * Drops Slack's redeliveries (X-Slack-Retry-Num) across every `serve` replica: the first
 * delivery of an event id claims a Redis key with SET NX and a TTL; retries find it taken.
 */
export function redisOnceGuard(redis: Redis, prefix = "k8s-triage"): OnceGuard {
  return {
    async claim(key, ttlSeconds) {
      const reply = await redis.set(
        `${prefix}:slack:once:${key}`,
        "1",
        "EX",
        Math.max(1, Math.round(ttlSeconds)),
        "NX",
      );
      return reply === "OK";
    },
    async release(key) {
      await redis.del(`${prefix}:slack:once:${key}`);
    },
  };
}
