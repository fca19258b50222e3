import type { Policy } from "../config/policy.js";
import type { Logger } from "../log.js";

/** Resolves which of the policy's approver groups a user belongs to. */
export interface GroupResolver {
  groupsOf(userId: string): Promise<string[]>;
}

/**
 * Looks up each user group the policy names with usergroups.users.list and caches the members
 * briefly (default 60 s), so a burst of clicks costs one call per group. A group that cannot be
 * read counts as "not a member": failing closed never grants approval.
 */
export function createGroupResolver(options: {
  policy: Policy;
  members: (groupId: string) => Promise<string[]>;
  logger: Logger;
  ttlMs?: number;
  now?: () => number;
}): GroupResolver {
  const ttl = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; members: Promise<Set<string>> }>();
  const groups = [...new Set(options.policy.approvers.flatMap((rule) => rule.groups))];

  const membersOf = (groupId: string): Promise<Set<string>> => {
    const hit = cache.get(groupId);
    if (hit && now() - hit.at < ttl) return hit.members;
    const members = options
      .members(groupId)
      .then((users) => new Set(users))
      .catch((error: unknown) => {
        options.logger.warn("cannot read user group; treating user as not a member", { groupId, error });
        cache.delete(groupId);
        return new Set<string>();
      });
    cache.set(groupId, { at: now(), members });
    return members;
  };

  return {
    async groupsOf(userId) {
      const memberships = await Promise.all(
        groups.map(async (group) => ((await membersOf(group)).has(userId) ? group : undefined)),
      );
      return memberships.filter((group): group is string => group !== undefined);
    },
  };
}
