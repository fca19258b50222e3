import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { runScript } from "./scripts.js";

/**
 * A token bucket in Redis shared by every worker process: `capacity` calls at once, refilled at
 * `perMinute`. Redis' own clock is used so skew between worker hosts does not matter.
 * Returns 0 when a token was taken, else the milliseconds until one will be available.
 */
const TAKE = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
return wait
`;

/** A shared limit on some call (model calls per minute). */
export interface RateLimiter {
  /** Takes a token, or says how long (ms) until one is free; never waits. */
  tryAcquire(): Promise<number>;
  /** Waits until a token is taken (or the signal aborts). */
  acquire(signal?: AbortSignal): Promise<void>;
}

/** A token bucket of `perMinute` calls per minute with a burst of `burst` (default: perMinute). */
export function createRateLimiter(
  redis: Redis,
  options: { key: string; perMinute: number; burst?: number },
): RateLimiter {
  const capacity = Math.max(1, options.burst ?? options.perMinute);
  const perMs = options.perMinute / 60_000;
  const tryAcquire = async () => Number(await runScript(redis, TAKE, [options.key], [capacity, perMs]));
  return {
    tryAcquire,
    async acquire(signal) {
      for (;;) {
        signal?.throwIfAborted();
        const wait = await tryAcquire();
        if (wait <= 0) return;
        // Re-ask rather than sleeping the whole wait: other workers compete for the same tokens.
        await sleep(Math.min(wait, 1000), undefined, signal ? { signal } : undefined);
      }
    },
  };
}
