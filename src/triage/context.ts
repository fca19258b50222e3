import type { KubeEvent, KubeObject, Pod } from "../domain/kube.js";
import type { PodLog, ResourceRef, Snapshot } from "../domain/types.js";
import { eventsOf } from "./events.js";
import { Owners, refKey, refOf } from "./owners.js";
import { classifyPod, type PodView, podHealthy } from "./pod-view.js";
import { buildIndex, type SnapshotIndex } from "./snapshot-index.js";

/** Everything a check may read: the snapshot, its index, and the pods already classified. */
export interface TriageContext {
  snapshot: Snapshot;
  /** `snapshot.collectedAt` in ms: the cluster's now, never the wall clock. */
  nowMs: number;
  /** The namespace triaged; undefined for all namespaces. */
  namespace?: string;
  index: SnapshotIndex;
  owners: Owners;
  /** Pods in scope that can be a problem: not Succeeded, not an old ReplicaSet's, not a Job's failed run. */
  pods: PodView[];
  podViewsByKey: Map<string, PodView>;
  /** Pod views by the key of their workload. */
  podsByWorkload: Map<string, PodView[]>;
  inScope(namespace: string | undefined): boolean;
  events(kind: string, object: KubeObject): KubeEvent[];
  logs(pod: Pod): PodLog[];
  /** Memo for shared derived facts (dependency lookups), keyed by the helper that owns them. */
  memo: Map<string, unknown>;
}

/** Cheap pre-check so healthy pods (the vast majority) are not classified container by container. */
function hasRepeatedOom(pod: Pod): boolean {
  return (pod.status?.containerStatuses ?? []).some(
    (s) => s.restartCount >= 2 && s.lastState?.terminated?.reason === "OOMKilled",
  );
}

/**
 * Indexes the snapshot and classifies every pod in scope once, so checks only read maps. The
 * namespace comes from the options, else from the snapshot's scope.
 */
export function buildContext(
  snapshot: Snapshot,
  options: { namespace?: string; now?: string } = {},
): TriageContext {
  const parsedNow = Date.parse(options.now ?? snapshot.collectedAt);
  const nowMs = Number.isNaN(parsedNow) ? 0 : parsedNow;
  const namespace =
    options.namespace ?? (snapshot.scope.allNamespaces ? undefined : snapshot.scope.namespace);
  const index = buildIndex(snapshot);
  const owners = new Owners(index);
  const inScope = (ns: string | undefined): boolean => namespace === undefined || ns === namespace;
  const pods: PodView[] = [];
  const podViewsByKey = new Map<string, PodView>();
  const podsByWorkload = new Map<string, PodView[]>();
  for (const pod of snapshot.pods) {
    if (!inScope(pod.metadata.namespace)) continue;
    const phase = pod.status?.phase ?? "Unknown";
    if (phase === "Succeeded" || pod.status?.reason === "Evicted") continue;
    const owner = owners.resolve("Pod", pod);
    if (!owner.current) continue;
    const healthy = podHealthy(pod);
    const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled")?.status !== "False";
    const view: PodView = {
      pod,
      ref: refOf("Pod", pod),
      owner,
      phase,
      healthy,
      scheduled,
      issues: healthy ? [] : classifyPod(pod, nowMs),
      events: healthy ? [] : eventsOf(index, "Pod", pod),
    };
    // A Job's failed attempts are reported once, by job-failed, not pod by pod. Other controllers'
    // pods never fail from a crash (they restart in place): a Failed one was shut down, evicted or
    // lost with its node and has been replaced — history, like the Evicted ones.
    if (phase === "Failed" && view.owner.controller !== undefined) continue;
    // A ready pod that keeps getting OOM-killed is an incident in the making; one old kill is not.
    if (healthy && hasRepeatedOom(pod)) {
      view.issues = classifyPod(pod, nowMs).filter((i) => i.kind === "oom" && i.status.restartCount >= 2);
    }
    pods.push(view);
    podViewsByKey.set(refKey(view.ref), view);
    const workloadKey = refKey(owner.workload);
    const list = podsByWorkload.get(workloadKey);
    if (list) list.push(view);
    else podsByWorkload.set(workloadKey, [view]);
  }
  return {
    snapshot,
    nowMs,
    ...(namespace === undefined ? {} : { namespace }),
    index,
    owners,
    pods,
    podViewsByKey,
    podsByWorkload,
    inScope,
    events: (kind, object) => eventsOf(index, kind, object),
    logs: (pod) => index.logsByPod.get(`${pod.metadata.namespace}/${pod.metadata.name}`) ?? [],
    memo: new Map(),
  };
}

/** The views of the pods of a workload ref. */
export function podsOf(ctx: TriageContext, workload: ResourceRef): PodView[] {
  return ctx.podsByWorkload.get(refKey(workload)) ?? [];
}
