import { Redis } from "ioredis";
import { ConfigError, errorMessage } from "../errors.js";
import { log } from "../log.js";

/**
 * Redis connections. Producers (HTTP handlers, Slack listeners) must fail fast so a request gets
 * an error instead of hanging while Redis is away; workers must wait out an outage, which is what
 * BullMQ requires of blocking connections (`maxRetriesPerRequest: null`).
 */

/** Reconnect with a capped, growing delay; never give up (a worker outlives a Redis restart). */
function retryStrategy(times: number): number {
  return Math.min(50 * 2 ** Math.min(times, 6), 2000);
}

/**
 * Logs a connection's outages as structured lines, once per change of state ("lost" on the
 * first error, "restored" when it is ready again), instead of ioredis printing "[ioredis]
 * Unhandled error event" on stderr for every reconnect attempt. Connections made from it with
 * `duplicate()` (BullMQ does that for its blocking clients) are watched the same way.
 */
export function watchConnection(redis: Redis, name: string): Redis {
  let down = false;
  redis.on("error", (error: unknown) => {
    if (down) return;
    down = true;
    log.warn("redis connection lost; reconnecting", { connection: name, error: errorMessage(error) });
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    log.info("redis connection restored", { connection: name });
  });
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = ((...args: Parameters<Redis["duplicate"]>) =>
    watchConnection(duplicate(...args), `${name}+`)) as Redis["duplicate"];
  return redis;
}

/** A connection for code that answers a caller: one retry per command, no offline queue. */
export function createProducerConnection(url: string, name = "producer"): Redis {
  return watchConnection(
    new Redis(url, {
      connectionName: `k8s-triage:${name}`,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
      retryStrategy,
    }),
    name,
  );
}

/** A connection for workers and subscribers: commands wait for a reconnect instead of failing. */
export function createWorkerConnection(url: string, name = "worker"): Redis {
  return watchConnection(
    new Redis(url, {
      connectionName: `k8s-triage:${name}`,
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      retryStrategy,
    }),
    name,
  );
}

/** Waits until a fail-fast connection is ready (its offline queue is off, so early commands would fail). */
export async function waitReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new ConfigError("REDIS_UNREACHABLE", `Redis did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off("ready", onReady);
    };
    redis.on("ready", onReady);
  });
}

/** The Redis URL from the environment, or a clear error (production has no silent default). */
export function requireRedisUrl(url: string | undefined): string {
  if (!url) {
    throw new ConfigError(
      "REDIS_URL_MISSING",
      "REDIS_URL is not set: point it at your Redis (e.g. redis://redis:6379), or pass --dev-redis to start a local one",
    );
  }
  return url;
}
