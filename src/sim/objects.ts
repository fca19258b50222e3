import type { KubeObject } from "../domain/kube.js";
import type { IdSource } from "./ids.js";
import { type KindSpec, kindForObject } from "./kinds.js";

/** Store key of an object inside its kind: `namespace/name`, or `name` when cluster-scoped. */
export function storeKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Structural equality of two JSON values (key order ignored). */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => jsonEqual(item, right[index]));
  }
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  const leftKeys = Object.keys(leftRecord).filter((key) => leftRecord[key] !== undefined);
  const rightKeys = Object.keys(rightRecord).filter((key) => rightRecord[key] !== undefined);
  if (leftKeys.length !== rightKeys.length) return false;
  return leftKeys.every((key) => jsonEqual(leftRecord[key], rightRecord[key]));
}

/** Deep copy of a JSON object (stored objects are never handed out for mutation). */
export function copyObject<T>(object: T): T {
  return structuredClone(object);
}

/**
 * Fills in what the server owns in metadata before an object is stored: name from generateName,
 * uid and creationTimestamp (kept from the existing object on replace), and generation for kinds
 * that track it (bumped when spec changes). Mutates and returns `object`.
 */
export function finalizeMetadata(
  object: KubeObject,
  existing: KubeObject | undefined,
  spec: KindSpec | undefined,
  now: string,
  ids: IdSource,
): KubeObject {
  const metadata = object.metadata;
  if (!metadata.name && metadata.generateName) metadata.name = `${metadata.generateName}${ids.suffix()}`;
  metadata.uid = existing?.metadata.uid ?? metadata.uid ?? ids.uuid();
  metadata.creationTimestamp = existing?.metadata.creationTimestamp ?? metadata.creationTimestamp ?? now;
  if (spec?.generation) {
    if (!existing) {
      metadata.generation = typeof metadata.generation === "number" ? metadata.generation : 1;
    } else {
      const previous = existing.metadata.generation ?? 1;
      metadata.generation = jsonEqual(existing.spec, object.spec) ? previous : previous + 1;
    }
  }
  return object;
}

/** The bucket an object is stored in: the kind name for served kinds, apiVersion/kind otherwise. */
export function bucketOf(object: Pick<KubeObject, "apiVersion" | "kind">): string {
  const spec = kindForObject(object.apiVersion, object.kind);
  if (spec && !spec.viewOf) return spec.kind;
  return `${object.apiVersion ?? ""}/${object.kind ?? ""}`;
}
