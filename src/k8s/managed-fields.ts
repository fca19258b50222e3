import type { KubeObject } from "../domain/kube.js";

/**
 * managedFields are large bookkeeping, but they are also the only record of who changed an object
 * and when (kubectl-edit at 14:27 on data.DB_POOL_SIZE). The read path keeps them, trimmed, on the
 * kinds the change timeline reads, and drops them everywhere else (pods, events: thousands of
 * objects, never a change anyone made by hand). fieldsV1 holds field names and list keys only,
 * never values, so keeping it leaks nothing.
 */

/** Kinds whose managedFields the change timeline reads. */
const TIMELINE_KINDS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ConfigMap",
  "Secret",
  "HorizontalPodAutoscaler",
  "ResourceQuota",
  "LimitRange",
  "NetworkPolicy",
  "Node",
  "Application",
  "Kustomization",
  "HelmRelease",
]);

/** Entries kept per object: the newest ones (an object edited by many tools still stays small). */
const MAX_ENTRIES = 8;

type Json = Record<string, unknown>;

/**
 * Trims `metadata.managedFields` in place: kept (newest {@link MAX_ENTRIES}, status-subresource
 * writes dropped) for the timeline kinds, deleted for every other kind.
 */
export function trimManagedFields(object: KubeObject, kind: string | undefined): void {
  const meta = object.metadata as Json;
  const entries = meta.managedFields;
  if (!Array.isArray(entries) || kind === undefined || !TIMELINE_KINDS.has(kind)) {
    delete meta.managedFields;
    return;
  }
  // Status writes are the controllers reporting, not someone changing the object.
  const kept = entries
    .filter((entry): entry is Json => typeof entry === "object" && entry !== null)
    .filter((entry) => entry.subresource !== "status")
    .sort((a, b) => String(b.time ?? "").localeCompare(String(a.time ?? "")))
    .slice(0, MAX_ENTRIES)
    .map((entry) => {
      const out: Json = {};
      for (const key of [
        "manager",
        "operation",
        "apiVersion",
        "time",
        "subresource",
        "fieldsType",
        "fieldsV1",
      ])
        if (entry[key] !== undefined) out[key] = entry[key];
      return out;
    });
  if (kept.length > 0) meta.managedFields = kept;
  else delete meta.managedFields;
}
