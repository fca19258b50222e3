import type { KubeObject } from "../domain/kube.js";

/**
 * managedFields, read: who wrote an object (the field manager), when, and which fields. Only
 * field names and list keys are in fieldsV1, never values, so this works on Secret metadata too.
 */

/** One managedFields entry, flattened. */
export interface ManagedEntry {
  manager: string;
  operation: string;
  /** RFC 3339; absent on entries a server did not date. */
  time?: string;
  subresource?: string;
  /** Leaf field paths: `spec.template.spec.containers[api].image`, `data.DB_POOL_SIZE`. */
  fields: string[];
}

/** Managers that are Kubernetes itself reporting or reconciling, not someone changing the object. */
const SYSTEM_MANAGERS = new Set([
  "kube-controller-manager",
  "kube-scheduler",
  "kubelet",
  "kube-apiserver",
  "kube-proxy",
  "deployment-controller",
  "replicaset-controller",
  "node-controller",
  "endpoint-controller",
  "endpointslice-controller",
  "resourcequota-controller",
]);

/** True for managers that are the cluster's own controllers. */
export function isSystemManager(manager: string): boolean {
  return SYSTEM_MANAGERS.has(manager) || manager.startsWith("system:");
}

const MAX_FIELDS = 40;

function keyPart(key: string): string | undefined {
  if (key === ".") return undefined;
  if (key.startsWith("f:")) return `.${key.slice(2)}`;
  if (key.startsWith("k:")) {
    try {
      const parsed = JSON.parse(key.slice(2)) as Record<string, unknown>;
      return `[${Object.values(parsed).map(String).join(",")}]`;
    } catch {
      return `[${key.slice(2)}]`;
    }
  }
  if (key.startsWith("v:")) return `[${key.slice(2)}]`;
  if (key.startsWith("i:")) return `[${key.slice(2)}]`;
  return `.${key}`;
}

function flatten(node: unknown, prefix: string, out: string[]): void {
  if (out.length >= MAX_FIELDS) return;
  if (typeof node !== "object" || node === null) {
    if (prefix) out.push(prefix);
    return;
  }
  const keys = Object.keys(node).filter((key) => key !== ".");
  if (keys.length === 0) {
    if (prefix) out.push(prefix);
    return;
  }
  for (const key of keys) {
    const part = keyPart(key);
    if (part === undefined) continue;
    flatten((node as Record<string, unknown>)[key], `${prefix}${part}`, out);
  }
}

/** The object's managedFields as flat entries, newest first. */
export function managedEntries(object: KubeObject): ManagedEntry[] {
  const raw = object.metadata.managedFields;
  if (!Array.isArray(raw)) return [];
  const entries: ManagedEntry[] = [];
  for (const item of raw) {
    if (typeof item !== "object" || item === null) continue;
    const entry = item as Record<string, unknown>;
    if (typeof entry.manager !== "string") continue;
    const fields: string[] = [];
    flatten(entry.fieldsV1, "", fields);
    entries.push({
      manager: entry.manager,
      operation: typeof entry.operation === "string" ? entry.operation : "Update",
      ...(typeof entry.time === "string" ? { time: entry.time } : {}),
      ...(typeof entry.subresource === "string" ? { subresource: entry.subresource } : {}),
      fields: fields.map((field) => field.replace(/^\./, "")),
    });
  }
  return entries.sort((a, b) => (b.time ?? "").localeCompare(a.time ?? ""));
}

/** Entries written by people and tools (not the cluster's controllers), newest first. */
export function userEntries(object: KubeObject): ManagedEntry[] {
  return managedEntries(object).filter((entry) => !isSystemManager(entry.manager) && entry.time);
}

/**
 * The manager that most plausibly made a change at `atMs`: among user entries touching a field
 * under `prefix` (any field when the entry lists none), the one written closest to the change and
 * not long before it (an entry's time is its manager's latest write).
 */
export function managerNear(object: KubeObject, atMs: number, prefix?: string): string | undefined {
  const candidates = userEntries(object).filter(
    (entry) => !prefix || entry.fields.length === 0 || entry.fields.some((field) => field.startsWith(prefix)),
  );
  let best: { manager: string; distance: number } | undefined;
  for (const entry of candidates) {
    const time = Date.parse(entry.time ?? "");
    if (Number.isNaN(time)) continue;
    const distance = Math.abs(time - atMs);
    // A write ten minutes away from a revision is another change by the same manager.
    if (distance > 10 * 60_000) continue;
    if (!best || distance < best.distance) best = { manager: entry.manager, distance };
  }
  return best?.manager;
}

/** The fields an entry wrote under `prefix`, with the prefix cut (`data.KEY` → `KEY`). */
export function fieldsUnder(entry: ManagedEntry, prefix: string): string[] {
  return entry.fields
    .filter((field) => field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`))
    .map((field) => field.slice(prefix.length).replace(/^\./, ""));
}
