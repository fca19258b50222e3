import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Lua scripts that make the store's multi-key updates atomic. Each works on whole JSON strings
 * (compare-and-swap) rather than decoding records in Lua, because cjson turns empty arrays into
 * objects and would corrupt records.
 *
 * Redis Cluster: every key a script touches (declared in KEYS, or built from ARGV like
 * CREATE_OR_JOIN's `ARGV[7] .. id`, which cannot be declared because the id is read inside the
 * script) starts with the one pipeline prefix; on a Cluster that prefix is a hash tag
 * (`pipelinePrefix`, e.g. `{k8s-triage}`), so all of them hash to the slot of the declared keys
 * and the node that runs the script owns them. A prefix without a tag fails with CROSSSLOT.
 */

/**
 * Replace a record only if it is unchanged since it was read; optionally release a dedup slot.
 * KEYS: record, active, and (when the record has a Slack thread) the thread's pointer. ARGV: old
 * record, new record, retention s, release, id, creation ms. The pointer (`<creation ms>|<id>`)
 * names the newest investigation of the thread: a write to an older one (its expiry, after a
 * "re-investigate" started a fresh one there) never takes the thread back.
 */
export const CAS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
if ARGV[4] == '1' and redis.call('GET', KEYS[2]) == ARGV[5] then redis.call('DEL', KEYS[2]) end
if KEYS[3] then
  local current = redis.call('GET', KEYS[3])
  local since = current and tonumber(string.match(current, '^(%d+)|'))
  if not since or since <= tonumber(ARGV[6]) then
    redis.call('SET', KEYS[3], ARGV[6] .. '|' .. ARGV[5], 'EX', ARGV[3])
  end
end
return 1
`;

/**
 * Create an investigation, or point at the one already running for the same workload
 * ('joined'), or at the one a retried event already created ('duplicate').
 * KEYS: active, event, new record, index, and the Slack thread's pointer when the trigger came
 * with a thread. ARGV: id, record, retention s, active ttl s, score, has event, record key
 * prefix, event ttl s.
 */
export const CREATE_OR_JOIN = `
if ARGV[6] == '1' then
  local seen = redis.call('GET', KEYS[2])
  if seen and redis.call('EXISTS', ARGV[7] .. seen) == 1 then return {'duplicate', seen} end
end
local active = redis.call('GET', KEYS[1])
if active and redis.call('EXISTS', ARGV[7] .. active) == 1 then
  if ARGV[6] == '1' then redis.call('SET', KEYS[2], active, 'EX', ARGV[8]) end
  return {'joined', active}
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
if KEYS[5] then redis.call('SET', KEYS[5], ARGV[5] .. '|' .. ARGV[1], 'EX', ARGV[3]) end
if ARGV[6] == '1' then redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[8]) end
return {'created', ARGV[1]}
`;

/**
 * First decision wins: refuse when a decision exists, else store it together with the record
 * (compare-and-swap, so a concurrent update makes the caller re-read and re-check).
 * KEYS: record, decision. ARGV: expected record, new record, ttl s, decision.
 */
export const DECIDE = `
local prior = redis.call('GET', KEYS[2])
if prior then return {'decided', prior} end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'conflict', ''} end
redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return {'ok', ''}
`;

const shas = new Map<string, string>();

/** Runs a script by SHA, loading it on NOSCRIPT (e.g. after a Redis restart flushed the cache). */
export async function runScript(
  redis: Redis,
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash("sha1").update(script).digest("hex");
    shas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes("NOSCRIPT")) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}
