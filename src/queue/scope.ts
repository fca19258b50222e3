/**
 * Where one cluster's data lives in Redis. Every key and BullMQ queue of a cluster sits under its
 * scope prefix, so a Redis ACL user restricted to `~<scope>:*` (plus the matching pub/sub channel
 * pattern) can serve exactly one cluster: an agent cannot read or enqueue another cluster's work.
 *
 * The cluster named `default` (an all-in-one install) keeps the unscoped layout it always had, so
 * single-cluster users see no change. On Redis Cluster the scope is a hash tag (`{…}`) so that
 * every key of one queue — and every key one Lua script touches — hashes to the same slot, which
 * BullMQ requires there.
 */

import { CLUSTER_NAME_PATTERN, DEFAULT_CLUSTER } from "../domain/cluster-name.js";

export { CLUSTER_NAME_PATTERN, DEFAULT_CLUSTER };

/**
 * Segments the unscoped (default-cluster) layout uses right after the base prefix: a cluster
 * with one of these names would share keys with the default cluster.
 */
export const RESERVED_CLUSTER_NAMES: ReadonlySet<string> = new Set([
  "inv",
  "inv-index",
  "token",
  "decision",
  "active",
  "event",
  "notified",
  "audit",
  "progress",
  "ratelimit",
  "agents",
  "clusters",
  "automatic-history",
  "investigations",
  "remediations",
  "follow-ups",
  "notifications",
  "alert-groups",
]);

/** Why `name` is not a usable cluster name, or undefined when it is. */
export function clusterNameProblem(name: string): string | undefined {
  if (!CLUSTER_NAME_PATTERN.test(name)) {
    return `cluster name "${name}" must be a DNS label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`;
  }
  if (name !== DEFAULT_CLUSTER && RESERVED_CLUSTER_NAMES.has(name)) {
    return `cluster name "${name}" is reserved (it is a key segment of the default cluster's layout)`;
  }
  return undefined;
}

/** Options of {@link scopePrefix}. */
export interface ScopeOptions {
  /** Wrap the scope in a hash tag (Redis Cluster). */
  hashTag?: boolean;
}

/**
 * The key prefix of `cluster` under the base prefix (`QUEUE_PREFIX`): `base` for the default
 * cluster, `base:eu-1` otherwise; `{base}` / `{base:eu-1}` with a hash tag.
 */
export function scopePrefix(
  base: string,
  cluster: string = DEFAULT_CLUSTER,
  options: ScopeOptions = {},
): string {
  const scope = cluster === DEFAULT_CLUSTER ? base : `${base}:${cluster}`;
  return options.hashTag ? `{${scope}}` : scope;
}
