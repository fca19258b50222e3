import type { ConnectionOptions } from "node:tls";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { ConfigError, errorMessage } from "../errors.js";
import { log } from "../log.js";
import {
  type RedisSettings,
  type RedisTarget,
  type RedisTlsSettings,
  toRedisSettings,
} from "./redis-settings.js";

/**
 * Redis connections. Producers (HTTP handlers, Slack listeners) must fail fast so a request gets
 * an error instead of hanging while Redis is away; workers must wait out an outage, which is what
 * BullMQ requires of blocking connections (`maxRetriesPerRequest: null`). Every connection is
 * built from one {@link RedisTarget}: a URL, a Sentinel group or a Redis Cluster (see
 * redis-settings.ts), so all roles reach Redis the same way.
 */

/** Reconnect with a capped, growing delay; never give up (a worker outlives a Redis restart). */
function retryStrategy(times: number): number {
  return Math.min(50 * 2 ** Math.min(times, 6), 2000);
}

/**
 * After a Sentinel failover the old master may still answer, as a read-only replica: reconnect
 * (which asks the Sentinels for the new master) and resend the command instead of failing it.
 */
function reconnectOnError(error: Error): 2 | false {
  return error.message.startsWith("READONLY") ? 2 : false;
}

/**
 * Logs a connection's outages as structured lines, once per change of state ("lost" on the
 * first error, "restored" when it is ready again), instead of ioredis printing "[ioredis]
 * Unhandled error event" on stderr for every reconnect attempt. Connections made from it with
 * `duplicate()` (BullMQ does that for its blocking clients) are watched the same way; on a
 * Redis Cluster, `duplicate(redisOptions)` is translated to the Cluster's own signature.
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
  const cluster = (redis as unknown as Cluster).isCluster ? (redis as unknown as Cluster) : undefined;
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = ((...args: unknown[]) => {
    if (cluster && args[0] !== undefined && !Array.isArray(args[0])) {
      const override = args[0] as RedisOptions;
      const copy = cluster.duplicate([], {
        redisOptions: { ...cluster.options.redisOptions, ...override },
        ...(override.enableOfflineQueue === undefined
          ? {}
          : { enableOfflineQueue: override.enableOfflineQueue }),
      });
      return watchConnection(copy as unknown as Redis, `${name}+`);
    }
    return watchConnection((duplicate as (...a: unknown[]) => Redis)(...args), `${name}+`);
  }) as Redis["duplicate"];
  return redis;
}

function tlsOptions(tls: RedisTlsSettings): ConnectionOptions {
  return {
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.servername ? { servername: tls.servername } : {}),
  };
}

/** What differs between a fail-fast and a waiting connection. */
interface RoleOptions {
  maxRetriesPerRequest: number | null;
  enableOfflineQueue: boolean;
  connectTimeout?: number;
}

function build(settings: RedisSettings, name: string, role: RoleOptions): Redis {
  const options: RedisOptions = {
    connectionName: `k8s-triage:${name}`,
    maxRetriesPerRequest: role.maxRetriesPerRequest,
    enableReadyCheck: true,
    ...(role.connectTimeout === undefined ? {} : { connectTimeout: role.connectTimeout }),
    retryStrategy,
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password } : {}),
    ...(settings.tls ? { tls: tlsOptions(settings.tls) } : {}),
  };
  if (settings.mode === "standalone") {
    return new Redis(settings.url, { ...options, enableOfflineQueue: role.enableOfflineQueue });
  }
  if (settings.mode === "sentinel") {
    return new Redis({
      ...options,
      enableOfflineQueue: role.enableOfflineQueue,
      sentinels: settings.sentinels,
      name: settings.masterName,
      role: "master",
      ...(settings.sentinelPassword ? { sentinelPassword: settings.sentinelPassword } : {}),
      // Sentinels of a TLS installation speak TLS too (same CA).
      ...(settings.tls ? { enableTLSForSentinelMode: true, sentinelTLS: tlsOptions(settings.tls) } : {}),
      sentinelRetryStrategy: retryStrategy,
      // Subscribes to +switch-master so a failover is followed at once, not at the next error.
      failoverDetector: true,
      reconnectOnError,
    });
  }
  const cluster = new Cluster(settings.nodes, {
    redisOptions: options,
    enableOfflineQueue: role.enableOfflineQueue,
    enableReadyCheck: true,
    clusterRetryStrategy: retryStrategy,
    // With TLS, dial seed nodes by the name given (not a resolved IP) so it is what the
    // certificate is checked against; nodes learned from CLUSTER SLOTS are IPs (or announced
    // hostnames): a certificate without their IPs needs REDIS_TLS_SERVERNAME.
    ...(settings.tls
      ? { dnsLookup: (address: string, done: (error: null, address: string) => void) => done(null, address) }
      : {}),
  });
  // ioredis's Cluster answers the same commands as a Redis (every pipeline key of one prefix
  // shares a hash tag, so multi-key commands and scripts stay on one node); the pipeline and
  // BullMQ (which detects a Cluster itself) only use that common surface.
  return cluster as unknown as Redis;
}

/** A connection for code that answers a caller: one retry per command, no offline queue. */
export function createProducerConnection(target: RedisTarget, name = "producer"): Redis {
  const role = { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  return watchConnection(build(toRedisSettings(target), name, role), name);
}

/** A connection for workers and subscribers: commands wait for a reconnect instead of failing. */
export function createWorkerConnection(target: RedisTarget, name = "worker"): Redis {
  const role = { maxRetriesPerRequest: null, enableOfflineQueue: true };
  return watchConnection(build(toRedisSettings(target), name, role), name);
}

/** TLS verification failures, which retrying cannot fix: the message says which setting to check. */
const TLS_VERIFY_CODES = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** An error's message with a hint when it is a TLS verification failure. */
export function explainRedisError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = errorMessage(error);
  if (typeof code === "string" && TLS_VERIFY_CODES.has(code)) {
    return `TLS verification of the Redis server failed (${code}: ${message}); check REDIS_TLS_CA_FILE (the CA that signed the server's certificate) and REDIS_TLS_SERVERNAME`;
  }
  return message;
}

/**
 * Waits until a fail-fast connection is ready (its offline queue is off, so early commands would
 * fail); on timeout the error names the last connection error (e.g. a TLS verification failure).
 */
export async function waitReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    let lastError: unknown;
    const timer = setTimeout(() => {
      cleanup();
      const why = lastError === undefined ? "" : `: ${explainRedisError(lastError)}`;
      reject(new ConfigError("REDIS_UNREACHABLE", `Redis did not become ready within ${timeoutMs} ms${why}`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onError = (error: unknown) => {
      lastError = error;
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("error", onError);
    };
    redis.on("ready", onReady);
    redis.on("error", onError);
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
