import type { KubeObject } from "../domain/kube.js";
import type { Snapshot } from "../domain/types.js";
import { serializeState } from "../sim/state-file.js";
import { collectedKinds } from "./kinds.js";

/**
 * Writes a snapshot back as a cluster-state file (the `--evidence-dir` snapshot.yaml): every
 * collected object in registry order, the container logs as `PodLog`, `/readyz` as
 * `APIServerHealth`, PodMetrics/NodeMetrics, and the collection time as `Clock`, so `triage --from-file` on it sees the
 * same cluster at the same moment. Values are already redacted, so the file is safe to attach.
 */
export function snapshotToStateFile(snapshot: Snapshot): string {
  const objects: KubeObject[] = [];
  // Item by item: spreading a 50k-element list into push() overflows the call stack.
  for (const kind of collectedKinds()) {
    for (const object of snapshot[kind.snapshotKey] as KubeObject[]) objects.push(object);
  }
  // The usage metrics-server reported, as `kubectl get podmetrics,nodemetrics -o yaml` prints it.
  for (const object of snapshot.nodeMetrics ?? []) objects.push(object as KubeObject);
  for (const object of snapshot.podMetrics ?? []) objects.push(object as KubeObject);
  return serializeState({
    objects,
    logs: snapshot.logs.map((log) => ({ ...log })),
    ...(snapshot.readyz !== undefined ? { readyz: snapshot.readyz } : {}),
    ...(snapshot.collectedAt ? { clock: snapshot.collectedAt } : {}),
  });
}
