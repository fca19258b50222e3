import type { CollectionGap, Snapshot } from "../domain/types.js";

/**
 * A dump read as recorded holds the kinds the user asked kubectl for. A kind every cluster has
 * (Nodes, and the Pods and Events an incident is made of), or one a check needs for what the dump
 * does hold (IngressClasses for Ingresses, StorageClasses for claims), that is absent from the
 * input is unknown — a gap, so "all healthy" is never said about it — not "nothing to check".
 */
const ALWAYS: [kind: string, resource: string, unknown: string][] = [
  ["Node", "nodes", "node readiness, pressure and capacity are unknown"],
  ["Pod", "pods", "pod states are unknown"],
  ["Event", "events", "warnings and their history are unknown"],
];

const WHEN_USED: [kind: string, resource: string, usedBy: string, unknown: string][] = [
  ["IngressClass", "ingressclasses", "Ingress", "ingress class names could not be checked"],
  [
    "StorageClass",
    "storageclasses",
    "PersistentVolumeClaim",
    "storage classes of claims could not be checked",
  ],
];

/** Gaps (`reason: not-in-input`) for the kinds a recorded dump leaves out; none for live or simulated input. */
export function inputGaps(snapshot: Snapshot): CollectionGap[] {
  const recorded = snapshot.recordedKinds;
  if (!recorded) return [];
  const gaps: CollectionGap[] = [];
  const add = (resource: string, unknown: string) =>
    gaps.push({
      resource,
      reason: "not-in-input",
      message: `${resource} are not in the input file: ${unknown}`,
    });
  for (const [kind, resource, unknown] of ALWAYS) if (!recorded.includes(kind)) add(resource, unknown);
  for (const [kind, resource, usedBy, unknown] of WHEN_USED) {
    if (recorded.includes(usedBy) && !recorded.includes(kind)) add(resource, unknown);
  }
  return gaps;
}
