import type { TriageContext } from "./context.js";
import { objectKey } from "./snapshot-index.js";

/**
 * Whether an object a check needs is really missing. A live collection lists every kind, so an
 * absent object is missing; a dump read as recorded holds only what the user dumped (`kubectl get
 * deploy,pods` has no ConfigMaps, Services or ReplicaSets), so when it holds no object of that
 * kind at all (`snapshot.recordedKinds`) — or the list could not be read — the object is "not in
 * the snapshot": unknown, never "does not exist".
 */
export type Presence = "present" | "missing" | "not-in-snapshot";

/** `ConfigMap` → `configmaps`, `IngressClass` → `ingressclasses` (the gap's resource name). */
function plural(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === "endpoints") return lower;
  return lower.endsWith("s") ? `${lower}es` : `${lower}s`;
}

/** True when the input says nothing about objects of `kind` (unread, or absent from a file). */
export function kindUnknown(ctx: TriageContext, kind: string): boolean {
  const resource = plural(kind);
  if (ctx.snapshot.gaps.some((gap) => gap.resource === resource)) return true;
  const recorded = ctx.snapshot.recordedKinds;
  return recorded !== undefined && !recorded.includes(kind);
}

/** Presence of one object, as a check may state it. */
export function presenceOf(ctx: TriageContext, kind: string, namespace: string, name: string): Presence {
  if (ctx.index.byKey.has(objectKey(kind, namespace, name))) return "present";
  return kindUnknown(ctx, kind) ? "not-in-snapshot" : "missing";
}
