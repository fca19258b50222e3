import { anyGlob } from "../config/glob.js";
import type { Policy } from "../config/policy.js";

/**
 * A policy as one cluster sees it. Routes, approvers and automatic rules with `clusters` globs
 * apply only to the clusters they match (absent = every cluster); the first `clusterPolicies`
 * entry matching the cluster replaces `namespaces` and overrides the remediation limits it
 * names. Everything downstream (gate, approvers, watcher, notifier) takes the result as the
 * policy, so a rule scoped to eu-* can never authorize or route anything on us-1. Pure.
 */
export function policyForCluster(policy: Policy, cluster: string): Policy {
  const applies = (rule: { clusters?: string[] | undefined }) =>
    rule.clusters === undefined || anyGlob(rule.clusters, cluster);
  const override = policy.clusterPolicies.find((entry) => anyGlob(entry.clusters, cluster));
  const remediation = override?.remediation;
  return {
    ...policy,
    namespaces: override?.namespaces ?? policy.namespaces,
    routes: policy.routes.filter(applies),
    approvers: policy.approvers.filter(applies),
    automatic: policy.automatic.filter(applies),
    remediation: {
      ...policy.remediation,
      ...(remediation
        ? Object.fromEntries(Object.entries(remediation).filter(([, value]) => value !== undefined))
        : {}),
    },
  };
}

/** The cluster the policy names as `channel`'s default, if any. */
export function channelCluster(policy: Pick<Policy, "channels">, channel: string): string | undefined {
  return policy.channels.find((entry) => entry.channel === channel)?.cluster;
}
