import type { Pod, ResourceQuota } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import { isTerminal } from "../nodes.js";
import { jsonEqual } from "../util/equal.js";
import { amount, formatAmount } from "../util/quantity.js";

/** Quota keys a pod counts against, with its amount of each. */
function podUsage(pod: Pod): Map<string, number> {
  const usage = new Map<string, number>([
    ["pods", 1],
    ["count/pods", 1],
  ]);
  const add = (key: string, value: number) => usage.set(key, (usage.get(key) ?? 0) + value);
  for (const container of pod.spec.containers ?? []) {
    for (const resource of ["cpu", "memory"]) {
      const limit = amount(resource, container.resources?.limits?.[resource]);
      // The API server defaults a missing request to the limit.
      const request = amount(resource, container.resources?.requests?.[resource]) ?? limit;
      if (request !== undefined) {
        add(`requests.${resource}`, request);
        add(resource, request);
      }
      if (limit !== undefined) add(`limits.${resource}`, limit);
    }
  }
  return usage;
}

/** Whether every container declares a value the quota constrains (else admission refuses). */
function missingDeclaration(pod: Pod, key: string): boolean {
  const match = /^(requests|limits)\.(cpu|memory)$/.exec(key) ?? /^()(cpu|memory)$/.exec(key);
  if (!match) return false;
  const kind = match[1] === "limits" ? "limits" : "requests";
  const resource = match[2] ?? "";
  return (pod.spec.containers ?? []).some(
    (container) =>
      container.resources?.[kind]?.[resource] === undefined &&
      (kind === "limits" || container.resources?.limits?.[resource] === undefined),
  );
}

function namespaceUsage(cluster: Cluster, namespace: string): Map<string, number> {
  const total = new Map<string, number>();
  for (const pod of cluster.podsIn(namespace)) {
    if (isTerminal(pod) || pod.metadata.deletionTimestamp) continue;
    for (const [key, value] of podUsage(pod)) total.set(key, (total.get(key) ?? 0) + value);
  }
  return total;
}

/** Usage of a namespace, computed once per pass and charged as pods are created. */
function cachedUsage(cluster: Cluster, namespace: string): Map<string, number> {
  return cluster.passCache(`quota-usage/${namespace}`, () => namespaceUsage(cluster, namespace));
}

/** Counts a pod that was just created against its namespace's quotas. */
export function chargeQuota(cluster: Cluster, pod: Pod): void {
  const namespace = pod.metadata.namespace ?? "";
  // Not derived yet: it will be derived from the pods, this one included.
  const usage = cluster.peekPassCache<Map<string, number>>(`quota-usage/${namespace}`);
  if (!usage) return;
  for (const [key, value] of podUsage(pod)) usage.set(key, (usage.get(key) ?? 0) + value);
}

/**
 * The ResourceQuota admission check for creating `pod`: the API server's Forbidden message when it
 * would exceed a quota of its namespace (or omits a constrained limit), else undefined.
 */
export function quotaRejection(cluster: Cluster, pod: Pod): string | undefined {
  const namespace = pod.metadata.namespace ?? "";
  const quotas = cluster.quotas.get(namespace);
  if (!quotas || quotas.length === 0) return undefined;
  const used = cachedUsage(cluster, namespace);
  const requested = podUsage(pod);
  for (const quota of quotas) {
    const hard = quota.spec?.hard ?? {};
    const keys = Object.keys(hard).sort();
    const undeclared = keys.filter((key) => missingDeclaration(pod, key));
    if (undeclared.length > 0) {
      return `pods "${pod.metadata.name}" is forbidden: failed quota: ${quota.metadata.name}: must specify ${undeclared.join(",")}`;
    }
    const exceeded = keys.filter((key) => {
      const limit = amount(key, hard[key]);
      const asked = requested.get(key);
      return limit !== undefined && asked !== undefined && (used.get(key) ?? 0) + asked > limit;
    });
    if (exceeded.length > 0) {
      const list = (values: (key: string) => string) =>
        exceeded.map((key) => `${key}=${values(key)}`).join(",");
      return (
        `pods "${pod.metadata.name}" is forbidden: exceeded quota: ${quota.metadata.name}, ` +
        `requested: ${list((key) => formatAmount(key, requested.get(key) ?? 0))}, ` +
        `used: ${list((key) => formatAmount(key, used.get(key) ?? 0))}, ` +
        `limited: ${list((key) => hard[key] ?? "")}`
      );
    }
  }
  return undefined;
}

/** The quota controller: keeps status.hard/used of every ResourceQuota current. */
export function runQuotaController(cluster: Cluster): void {
  for (const [namespace, quotas] of cluster.quotas) {
    const used = namespaceUsage(cluster, namespace);
    for (const quota of quotas) {
      const hard = quota.spec?.hard ?? {};
      const status: ResourceQuota["status"] = { hard: { ...hard }, used: {} };
      for (const key of Object.keys(hard)) status.used![key] = formatAmount(key, used.get(key) ?? 0);
      if (jsonEqual(quota.status, status)) continue;
      quota.status = status;
      cluster.save(quota);
    }
  }
}
