import type { Change } from "../domain/changes.js";
import type { Workload } from "../domain/kube.js";
import type { Snapshot } from "../domain/types.js";
import { gitOpsChanges } from "./gitops.js";
import { helmChanges, helmReleases, helmRevisionOf } from "./helm.js";
import { objectChanges } from "./objects.js";
import { timeMs } from "./refs.js";
import { controllerRevisionRollouts, deploymentRollouts, manualScales, rescaleEvents } from "./rollouts.js";

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
  const rsByNs = new Map<string, Workload[]>();
  for (const rs of snapshot.replicaSets) {
    const key = rs.metadata.namespace ?? "";
    const list = rsByNs.get(key) ?? [];
    list.push(rs);
    rsByNs.set(key, list);
  }
  for (const deployment of snapshot.deployments) {
    if (!inNs(deployment.metadata.namespace)) continue;
    out.push(...deploymentRollouts(deployment, rsByNs.get(deployment.metadata.namespace ?? "") ?? []));
    out.push(...manualScales("Deployment", deployment));
  }
  const revisions = snapshot.controllerRevisions.filter((cr) => inNs(cr.metadata.namespace));
  for (const sts of snapshot.statefulSets) {
    if (!inNs(sts.metadata.namespace)) continue;
    out.push(...controllerRevisionRollouts("StatefulSet", sts, revisions));
    out.push(...manualScales("StatefulSet", sts));
  }
  for (const ds of snapshot.daemonSets) {
    if (inNs(ds.metadata.namespace)) out.push(...controllerRevisionRollouts("DaemonSet", ds, revisions));
  }
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
