import type { Redis } from "ioredis";
import { keys } from "../queue/keys.js";
import { scanKeys } from "../queue/scan-keys.js";
import { CLUSTER_NAME_PATTERN, DEFAULT_CLUSTER, type ScopeOptions, scopePrefix } from "../queue/scope.js";

/**
 * The agent registry: every cluster agent process writes a heartbeat into the `agents` hash of
 * its own cluster's scope (`<scope>:agents`, field = agent id), so an ACL user restricted to its
 * scope can register, and the central role discovers clusters by scanning `<base>:*:agents`
 * (plus the default scope's `<base>:agents`). Entries are kept after an agent stops (marked
 * `stopped`) so central can say since when a cluster's agent is offline; entries older than
 * {@link FORGET_AFTER_MS} are pruned on read.
 */

/** What an agent process does: the queues it consumes, and `watcher` for the event watcher. */
export type AgentRole = "investigations" | "remediations" | "follow-ups" | "notifications" | "watcher";

/** One agent's heartbeat, as stored (JSON) in its cluster's `agents` hash. */
export interface AgentHeartbeat {
  /** Unique per process: `<host>:<pid>:<random>`. */
  id: string;
  cluster: string;
  /** The k8s-triage version the agent runs. */
  version: string;
  roles: AgentRole[];
  /**
   * Namespaces the agent's identity can see (listed at heartbeat time), or undefined when the
   * listing failed or is not allowed (the agent then may serve any namespace).
   */
  namespaces?: string[];
  host: string;
  pid: number;
  startedAt: string;
  /** Last heartbeat (RFC 3339). */
  lastSeen: string;
  /** Set by a graceful stop: the agent is gone, not merely late. */
  stopped?: boolean;
}

/** Heartbeats older than this are removed when the registry is read (a week). */
export const FORGET_AFTER_MS = 7 * 24 * 3600 * 1000;

/** Writes and reads heartbeats under one base prefix (`QUEUE_PREFIX`). */
export class AgentRegistry {
  constructor(
    private readonly redis: Redis,
    readonly basePrefix: string,
    /** Scopes are Redis Cluster hash tags (`{base:eu-1}`), see scope.ts. */
    private readonly options: ScopeOptions = {},
  ) {}

  /** The `agents` hash of `cluster`. */
  key(cluster: string): string {
    return keys(scopePrefix(this.basePrefix, cluster, this.options)).agents;
  }

  /** Writes (or refreshes) one heartbeat. */
  async beat(heartbeat: AgentHeartbeat): Promise<void> {
    const key = this.key(heartbeat.cluster);
    // The whole hash lives as long as agents keep beating; a cluster gone for good disappears.
    await this.redis
      .multi()
      .hset(key, heartbeat.id, JSON.stringify(heartbeat))
      .pexpire(key, FORGET_AFTER_MS)
      .exec();
  }

  /** Every heartbeat of `cluster` (stale ones pruned), newest first. */
  async agents(cluster: string, now: Date = new Date()): Promise<AgentHeartbeat[]> {
    const key = this.key(cluster);
    const raw = await this.redis.hgetall(key);
    const agents: AgentHeartbeat[] = [];
    const stale: string[] = [];
    for (const [field, value] of Object.entries(raw)) {
      const parsed = parseHeartbeat(value);
      if (!parsed || now.getTime() - Date.parse(parsed.lastSeen) > FORGET_AFTER_MS) {
        stale.push(field);
        continue;
      }
      agents.push(parsed);
    }
    if (stale.length > 0) await this.redis.hdel(key, ...stale).catch(() => undefined);
    return agents.sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen));
  }

  /**
   * Clusters with at least one registered agent: SCAN for `<base>:*:agents` on every master
   * (see scanKeys) plus the default scope's `<base>:agents`.
   */
  async discover(): Promise<string[]> {
    const found = new Set<string>();
    if ((await this.redis.exists(this.key(DEFAULT_CLUSTER))) === 1) found.add(DEFAULT_CLUSTER);
    const head = this.options.hashTag ? `{${this.basePrefix}:` : `${this.basePrefix}:`;
    const tail = this.options.hashTag ? "}:agents" : ":agents";
    for (const key of await scanKeys(this.redis, `${globEscape(head)}*${globEscape(tail)}`)) {
      if (!key.startsWith(head) || !key.endsWith(tail)) continue;
      const middle = key.slice(head.length, key.length - tail.length);
      // Only one segment that is a cluster name: never a key of some other layout.
      if (CLUSTER_NAME_PATTERN.test(middle)) found.add(middle);
    }
    return [...found].sort();
  }
}

/** Escapes SCAN glob characters in a literal prefix. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

function parseHeartbeat(value: string): AgentHeartbeat | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<AgentHeartbeat>;
    if (typeof parsed.id !== "string" || typeof parsed.cluster !== "string") return undefined;
    if (typeof parsed.lastSeen !== "string" || Number.isNaN(Date.parse(parsed.lastSeen))) return undefined;
    return parsed as AgentHeartbeat;
  } catch {
    return undefined;
  }
}

/** Health of one agent at `now`. */
export type AgentHealth = "online" | "late" | "stopped";

/**
 * `online` when it beat within `offlineSeconds`; `stopped` when it said goodbye; `late` when it
 * stopped beating without saying so (crashed, partitioned, or its Redis connection is down).
 */
export function agentHealth(agent: AgentHeartbeat, now: Date, offlineSeconds: number): AgentHealth {
  if (agent.stopped) return "stopped";
  return now.getTime() - Date.parse(agent.lastSeen) <= offlineSeconds * 1000 ? "online" : "late";
}
