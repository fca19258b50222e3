import type { KubeObject } from "../domain/kube.js";
import type { ResourceRef } from "../domain/types.js";

/** Small shared helpers of the change timeline. */

/** The ref of an object listed as `kind`. */
export function refTo(kind: string, object: KubeObject): ResourceRef {
  return { kind, namespace: object.metadata.namespace ?? "", name: object.metadata.name ?? "" };
}

/** `Kind/namespace/name`, the key refs are compared by. */
export function keyOf(ref: ResourceRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** Milliseconds of an RFC 3339 time, undefined when absent or unparsable. */
export function timeMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const value = Date.parse(text);
  return Number.isNaN(value) ? undefined : value;
}

/** RFC 3339 without milliseconds, as Kubernetes prints times. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** True when the object is owned (controller reference) by `owner` listed as `kind`. */
export function ownedBy(object: KubeObject, kind: string, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (ref) =>
      ref.kind === kind &&
      (owner.metadata.uid && ref.uid ? ref.uid === owner.metadata.uid : ref.name === owner.metadata.name),
  );
}
