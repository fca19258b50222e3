import { createHash } from "node:crypto";
import { ConfigError } from "../errors.js";
import { clusterNameProblem, DEFAULT_CLUSTER, scopePrefix } from "./scope.js";

/**
 * Redis ACL users that enforce the per-cluster key layout (scope.ts) in Redis itself: an agent
 * user of cluster X can only touch keys and pub/sub channels under X's scope prefix, so a
 * compromised agent cannot read another cluster's investigations or enqueue work on its queues.
 * The central user (Slack app, routing) reaches every cluster's scope under the base prefix.
 *
 * Both forms of a scope are allowed — plain (`k8s-triage:eu-1:*`) and hash-tagged
 * (`{k8s-triage:eu-1}:*`, what the prefix becomes on a Redis Cluster) — so the same rules work
 * on a single server, behind Sentinel and on a Cluster. ACLs are not replicated: apply them on
 * every node (master, replicas, each Cluster node), or put the `user …` lines in an aclfile.
 */

/**
 * Command rules of both users: everything but the `@dangerous` category (CONFIG, FLUSHALL, KEYS,
 * DEBUG, ACL, CLIENT KILL, …), then back what the clients need: INFO (ioredis's ready check and
 * BullMQ's version check) and CLIENT SETNAME/GETNAME (connection names). Key-less commands that
 * list other scopes' key or channel names are removed (SCAN, RANDOMKEY, PUBSUB CHANNELS), and so
 * are the ones that change server-wide state every user shares (the script cache, functions).
 */
export const ACL_COMMAND_RULES: readonly string[] = [
  "+@all",
  "-@dangerous",
  "+info",
  "+client|setname",
  "+client|getname",
  "+client|id",
  "-scan",
  "-randomkey",
  "-pubsub|channels",
  "-pubsub|shardchannels",
  "-script|flush",
  "-script|kill",
  "-function",
];

/** A user to create. */
export interface AclUserSpec {
  /** ACL user name (what REDIS_USERNAME of that role is set to). */
  user: string;
  /** The base prefix (QUEUE_PREFIX). */
  base: string;
  /** The password; stored as its SHA-256 (`#…`), so the printed rules carry no secret. */
  password?: string;
}

const USER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const BASE_PATTERN = /^[A-Za-z0-9_.-]+$/;

function check(spec: AclUserSpec): void {
  if (!USER_PATTERN.test(spec.user)) {
    throw new ConfigError(
      "REDIS_ACL_INVALID",
      `ACL user name "${spec.user}" must be 1-64 letters, digits, '_', '.', '-' (starting with a letter or digit)`,
    );
  }
  // QUEUE_PREFIX's own rule: no glob characters, so a pattern cannot match more than it says.
  if (!BASE_PATTERN.test(spec.base)) {
    throw new ConfigError(
      "REDIS_ACL_INVALID",
      `prefix "${spec.base}" must be letters, digits, '_', '.', '-'`,
    );
  }
}

function passwordRule(password: string | undefined): string[] {
  if (password === undefined) return [];
  if (password === "") throw new ConfigError("REDIS_ACL_INVALID", "the ACL password is empty");
  return [`#${createHash("sha256").update(password).digest("hex")}`];
}

function scopeRules(scope: string): string[] {
  return [`~${scope}:*`, `~{${scope}}:*`, `&${scope}:*`, `&{${scope}}:*`];
}

/** Options of {@link agentAclRules}. */
export interface AgentAclSpec extends AclUserSpec {
  /** The agent's cluster (its CLUSTER_NAME). */
  cluster: string;
  /**
   * Further key patterns the agent may touch outside its scope (e.g. its entry of a shared agent
   * registry, `<base>:agents:<cluster>`); each must start with `<base>:` or `{<base>`.
   */
  extraKeys?: readonly string[];
}

function extraKeyRules(base: string, patterns: readonly string[]): string[] {
  return patterns.map((pattern) => {
    if (!(pattern.startsWith(`${base}:`) || pattern.startsWith(`{${base}`)) || /\s/.test(pattern)) {
      throw new ConfigError(
        "REDIS_ACL_INVALID",
        `extra key pattern "${pattern}" must start with "${base}:" or "{${base}" and contain no spaces`,
      );
    }
    return `~${pattern}`;
  });
}

/**
 * Rules of an agent user of `cluster`: its scope's keys and channels only. The default cluster
 * has no agent user: its unscoped layout (`<base>:*`) contains every other cluster's keys.
 */
export function agentAclRules(spec: AgentAclSpec): string[] {
  check(spec);
  const problem = clusterNameProblem(spec.cluster);
  if (problem) throw new ConfigError("REDIS_ACL_INVALID", problem);
  if (spec.cluster === DEFAULT_CLUSTER) {
    throw new ConfigError(
      "REDIS_ACL_INVALID",
      `the "${DEFAULT_CLUSTER}" cluster's keys are the unscoped layout, which includes every other cluster's: name the agent's cluster (CLUSTER_NAME), or create a central user`,
    );
  }
  return [
    "reset",
    "on",
    ...passwordRule(spec.password),
    ...scopeRules(scopePrefix(spec.base, spec.cluster)),
    ...extraKeyRules(spec.base, spec.extraKeys ?? []),
    ...ACL_COMMAND_RULES,
  ];
}

/** Rules of the central user: every cluster's scope under the base prefix, plain and hash-tagged. */
export function centralAclRules(spec: AclUserSpec): string[] {
  check(spec);
  const { base } = spec;
  return [
    "reset",
    "on",
    ...passwordRule(spec.password),
    `~${base}:*`,
    `~{${base}}:*`,
    `~{${base}:*`,
    `&${base}:*`,
    `&{${base}}:*`,
    `&{${base}:*`,
    ...ACL_COMMAND_RULES,
  ];
}

/** The `ACL SETUSER` command of a user (for redis-cli or a Redis init script). */
export function aclSetUserLine(user: string, rules: readonly string[]): string {
  return `ACL SETUSER ${user} ${rules.join(" ")}`;
}

/** The aclfile line of a user (`aclfile /etc/redis/users.acl`; `reset` is implied there). */
export function aclFileLine(user: string, rules: readonly string[]): string {
  return `user ${user} ${rules.filter((rule) => rule !== "reset").join(" ")}`;
}
