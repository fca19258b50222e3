import type { Redis } from "ioredis";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import { explainRedisError } from "../queue/connection.js";
import { describeRedis, type RedisTarget } from "../queue/redis-settings.js";

/** How long between "still waiting" lines while a dependency does not answer. */
export const WAIT_LOG_INTERVAL_MS = 10_000;

/** Options of {@link waitFor}. */
export interface WaitOptions {
  logger: Logger;
  /** Delay between attempts (default 1 s). */
  retryMs?: number;
  /** At most one warning line per this interval (default {@link WAIT_LOG_INTERVAL_MS}). */
  logIntervalMs?: number;
  signal?: AbortSignal;
  /** Errors that retrying cannot fix: rethrown at once (default: none). */
  fatal?: (error: unknown) => boolean;
}

/**
 * Retries `check` until it resolves: a role whose dependency is away at startup stays alive (its
 * /healthz answers, its /readyz names the dependency) instead of crash-looping, and says what it is
 * waiting for at a bounded rate. Resolves false when `signal` aborts first.
 */
export async function waitFor(
  what: string,
  check: () => Promise<void>,
  options: WaitOptions,
): Promise<boolean> {
  const retryMs = options.retryMs ?? 1000;
  const logIntervalMs = options.logIntervalMs ?? WAIT_LOG_INTERVAL_MS;
  let lastLog = 0;
  let attempts = 0;
  for (;;) {
    if (options.signal?.aborted) return false;
    try {
      await check();
      if (attempts > 0) options.logger.info(`${what} answers; continuing startup`, { attempts });
      return true;
    } catch (error) {
      if (options.fatal?.(error)) throw error;
      attempts++;
      if (Date.now() - lastLog >= logIntervalMs) {
        lastLog = Date.now();
        options.logger.warn(
          `waiting for ${what}: ${errorMessage(error)} (retrying; not ready until it answers)`,
          {
            attempts,
          },
        );
      }
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, retryMs);
      options.signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * `redis://host:port` of a URL without its credentials (or the Sentinels / Cluster nodes of
 * other settings), for log lines and readiness reports.
 */
export function redisDisplay(target: RedisTarget): string {
  return describeRedis(target);
}

/**
 * A readiness check of a Redis connection that names the server and the connection state, so
 * `/readyz` says "redis: failed: redis://redis:6379 is not reachable (reconnecting)" rather than a
 * bare "Connection is closed".
 */
export function redisReadiness(redis: Redis, url: RedisTarget): () => Promise<void> {
  // The last connection error says why (refused, TLS verification, NOAUTH) while it is down.
  let lastError: unknown;
  redis.on("error", (error: unknown) => {
    lastError = error;
  });
  redis.on("ready", () => {
    lastError = undefined;
  });
  return async () => {
    if (redis.status !== "ready") {
      const why = lastError === undefined ? "" : `: ${explainRedisError(lastError)}`;
      throw new Error(`${redisDisplay(url)} is not reachable (${redis.status})${why}`);
    }
    await redis.ping();
  };
}

/** Attaches an error listener that logs at most once per interval (ioredis emits one per retry). */
export function quietRedisErrors(redis: Redis, logger: Logger, name: string): void {
  let last = 0;
  redis.on("error", (error: unknown) => {
    if (Date.now() - last < WAIT_LOG_INTERVAL_MS) return;
    last = Date.now();
    logger.warn(`redis connection (${name}): ${errorMessage(error)}`);
  });
}
