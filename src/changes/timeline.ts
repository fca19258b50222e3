import type { Change } from "../domain/changes.js";
import type { KubeObject, Workload } from "../domain/kube.js";
import type { Snapshot } from "../domain/types.js";
import { gitOpsChanges } from "./gitops.js";
import { helmChanges, helmReleases, helmRevisionOf } from "./helm.js";
import { configMapKeyDiff, objectChanges } from "./objects.js";
import { timeMs } from "./refs.js";
import { controllerRevisionRollouts, deploymentRollouts, manualScales, rescaleEvents } from "./rollouts.js";

/** Objects by their controller's uid (else `namespace/name` of the owner, for hand-written files). */
function groupByOwner(objects: KubeObject[]): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const object of objects) {
    const owner =
      object.metadata.ownerReferences?.find((ref) => ref.controller) ?? object.metadata.ownerReferences?.[0];
    if (!owner) continue;
    for (const key of new Set([
      owner.uid || `${object.metadata.namespace}/${owner.name}`,
      `${object.metadata.namespace}/${owner.name}`,
    ])) {
      const list = out.get(key) ?? [];
      list.push(object);
      out.set(key, list);
    }
  }
  return out;
}

const CONFIGMAP_SWAP = /configmap (\S+) → configmap (\S+)/;

/** A revision that swapped one mounted ConfigMap for another: say how their keys differ. */
function addConfigMapDiffs(changes: Change[], configMaps: KubeObject[]): void {
  for (const change of changes) {
    if (change.kind !== "rollout") continue;
    for (const detail of [...change.details]) {
      const match = CONFIGMAP_SWAP.exec(detail);
      if (!match) continue;
      const find = (name: string | undefined) =>
        configMaps.find(
          (cm) => cm.metadata.name === name && cm.metadata.namespace === change.resource.namespace,
        );
      const diff = configMapKeyDiff(find(match[1]), find(match[2]));
      if (diff) change.details.push(diff);
    }
  }
}

/** Options of one timeline. */
export interface TimelineOptions {
  /** Only changes in (or deploying to) this namespace; cluster-scoped ones (nodes) always count. */
  namespace?: string;
  /** Only changes at or after this time (ms). */
  sinceMs?: number;
  /** Only changes at or before this time (ms). */
  untilMs?: number;
}

/**
 * Every change the snapshot shows, oldest first: rollouts (ReplicaSet and ControllerRevision
 * diffs), manual scales and autoscaler rescales, ConfigMap/Secret/HPA/quota/LimitRange/
 * NetworkPolicy/Node writes from managedFields, Helm release revisions (from Secret metadata) and
 * GitOps syncs. Pure; O(objects).
 */
export function buildTimeline(snapshot: Snapshot, options: TimelineOptions = {}): Change[] {
  const ns = options.namespace;
  const inNs = (namespace: string | undefined) => ns === undefined || namespace === ns;
  const out: Change[] = [];
  // One pass to group revisions under their owner, so each workload reads only its own.
  const byOwner = groupByOwner([...snapshot.replicaSets, ...snapshot.controllerRevisions]);
  const owned = (object: Workload) =>
    byOwner.get(object.metadata.uid ?? `${object.metadata.namespace}/${object.metadata.name}`) ?? [];
  for (const deployment of snapshot.deployments) {
    if (!inNs(deployment.metadata.namespace)) continue;
    out.push(...deploymentRollouts(deployment, owned(deployment) as Workload[]));
    out.push(...manualScales("Deployment", deployment));
  }
  for (const sts of snapshot.statefulSets) {
    if (!inNs(sts.metadata.namespace)) continue;
    out.push(...controllerRevisionRollouts("StatefulSet", sts, owned(sts)));
    out.push(...manualScales("StatefulSet", sts));
  }
  for (const ds of snapshot.daemonSets) {
    if (inNs(ds.metadata.namespace)) out.push(...controllerRevisionRollouts("DaemonSet", ds, owned(ds)));
  }
  addConfigMapDiffs(out, snapshot.configMaps);
  out.push(...rescaleEvents(snapshot.events.filter((event) => inNs(event.metadata.namespace))));
  const lists: [string, { metadata: { namespace?: string } }[]][] = [
    ["ConfigMap", snapshot.configMaps],
    ["HorizontalPodAutoscaler", snapshot.horizontalPodAutoscalers],
    ["ResourceQuota", snapshot.resourceQuotas],
    ["LimitRange", snapshot.limitRanges],
    ["NetworkPolicy", snapshot.networkPolicies],
  ];
  for (const [kind, list] of lists)
    for (const object of list)
      if (inNs(object.metadata.namespace)) out.push(...objectChanges(kind, object as never));
  for (const node of snapshot.nodes) out.push(...objectChanges("Node", node));
  // Helm's own storage Secrets are release history, not configuration someone edited.
  const secrets = snapshot.secrets.filter((secret) => inNs(secret.metadata.namespace));
  for (const secret of secrets) if (!helmRevisionOf(secret)) out.push(...objectChanges("Secret", secret));
  for (const release of helmReleases(secrets)) out.push(...helmChanges(release));
  out.push(...gitOpsChanges(snapshot, ns));
  return out
    .filter((change) => {
      const at = timeMs(change.at);
      if (at === undefined) return false;
      return (
        (options.sinceMs === undefined || at >= options.sinceMs) &&
        (options.untilMs === undefined || at <= options.untilMs)
      );
    })
    .sort((a, b) => a.at.localeCompare(b.at) || a.summary.localeCompare(b.summary));
}
