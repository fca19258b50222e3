import type { Change, ChangeKind } from "../domain/changes.js";
import type { KubeObject } from "../domain/kube.js";
import { fieldsUnder, userEntries } from "./managed.js";
import { refTo } from "./refs.js";

/**
 * Changes of configuration-like objects, from their managedFields: each manager's latest write,
 * with its time and the fields (ConfigMap and Secret keys by name only; a Secret's data is never
 * read, its metadata says enough: which keys, when, by whom).
 */

const KIND_OF: Record<string, ChangeKind> = {
  ConfigMap: "config",
  Secret: "secret",
  HorizontalPodAutoscaler: "autoscaling",
  ResourceQuota: "quota",
  LimitRange: "limits",
  NetworkPolicy: "network-policy",
  Node: "node",
};

const NOUN: Record<string, string> = {
  ConfigMap: "ConfigMap",
  Secret: "Secret",
  HorizontalPodAutoscaler: "HPA",
  ResourceQuota: "ResourceQuota",
  LimitRange: "LimitRange",
  NetworkPolicy: "NetworkPolicy",
  Node: "Node",
};

/** Where the interesting fields of each kind live (what the one-line summary names). */
const FIELD_ROOT: Record<string, string[]> = {
  ConfigMap: ["data", "binaryData"],
  Secret: ["data", "stringData"],
  HorizontalPodAutoscaler: ["spec"],
  ResourceQuota: ["spec.hard"],
  LimitRange: ["spec.limits"],
  NetworkPolicy: ["spec"],
  Node: ["spec", "metadata.labels"],
};

function touched(kind: string, fields: string[]): string[] {
  const roots = FIELD_ROOT[kind] ?? [];
  const out: string[] = [];
  for (const root of roots) {
    for (const field of fieldsUnder({ manager: "", operation: "", fields }, root)) {
      // Keys only: `data.DB_POOL_SIZE`; deeper paths (spec.template…) are cut at the first level.
      const head = field.split(/[.[]/)[0] ?? field;
      const name = `${root}.${head}`;
      if (!out.includes(name)) out.push(name);
    }
  }
  return out;
}

/** Changes of one object: one per manager write (newest first), creation included. */
export function objectChanges(kind: string, object: KubeObject): Change[] {
  const changeKind = KIND_OF[kind];
  if (!changeKind) return [];
  const created = object.metadata.creationTimestamp;
  return userEntries(object).map((entry) => {
    const fields = touched(kind, entry.fields);
    const isCreate = entry.time === created;
    const verb = isCreate ? "created" : entry.subresource ? `${entry.subresource} changed` : "changed";
    const what =
      fields.length > 0 ? ` (${fields.slice(0, 6).join(", ")}${fields.length > 6 ? ", …" : ""})` : "";
    return {
      at: entry.time ?? "",
      kind: changeKind,
      resource: refTo(kind, object),
      manager: entry.manager,
      summary: `${NOUN[kind] ?? kind} ${object.metadata.name ?? ""} ${verb}${what}`,
      details: fields,
    };
  });
}

/** Which kinds {@link objectChanges} knows. */
export const CHANGE_OBJECT_KINDS = Object.keys(KIND_OF);

/**
 * What differs between the ConfigMap a previous revision mounted and the one the new revision
 * mounts, by key (values never leave the read path, so keys are what can be compared).
 */
export function configMapKeyDiff(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
): string | undefined {
  if (!before || !after) return undefined;
  const keys = (o: KubeObject) =>
    new Set([...Object.keys((o.data as object) ?? {}), ...Object.keys((o.binaryData as object) ?? {})]);
  const a = keys(before);
  const b = keys(after);
  const added = [...b].filter((k) => !a.has(k));
  const removed = [...a].filter((k) => !b.has(k));
  if (added.length === 0 && removed.length === 0)
    return `ConfigMap ${after.metadata.name}: same keys as ${before.metadata.name}`;
  return `ConfigMap ${after.metadata.name} vs ${before.metadata.name}: ${[
    added.length ? `keys added ${added.join(", ")}` : "",
    removed.length ? `keys removed ${removed.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ")}`;
}
