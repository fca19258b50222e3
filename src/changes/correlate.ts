import type { CauseChange, Change, ChangeKind } from "../domain/changes.js";
import type { KubeObject, PodSpec, Workload } from "../domain/kube.js";
import type { ResourceRef, RootCauseCategory } from "../domain/types.js";
import { gitOpsOwnerOf } from "./gitops.js";
import { helmReleases, releaseOf } from "./helm.js";
import { keyOf, timeMs } from "./refs.js";
import { RESTART } from "./rollouts.js";

/**
 * Which changes explain a root cause: changes to the cause's object, to what it references
 * (ConfigMaps, Secrets, its Helm release, its GitOps owner, its nodes, the namespace's quotas,
 * limits and policies), of a kind that can produce that category of failure, in the window
 * before the first failure.
 */

/** How far before the first failure a change still counts. */
export const CHANGE_WINDOW_MS = 60 * 60 * 1000;
/** Timestamps are second-granular and clocks skew: a change just after the first failure still counts. */
const GRACE_MS = 60 * 1000;

const WORKLOAD_CAUSES: RootCauseCategory[] = [
  "crash-loop",
  "image-pull",
  "oom-killed",
  "probe-failure",
  "init-container-failure",
  "missing-secret",
  "missing-configmap",
  "missing-pvc",
  "rollout-stuck",
  "dependency-unavailable",
  "job-failed",
  "unschedulable-resources",
  "unschedulable-constraints",
  "quota-exceeded",
  "helm-release-failed",
  "gitops-sync-failed",
];

/** The categories each kind of change can cause. */
const CAN_CAUSE: Record<ChangeKind, readonly RootCauseCategory[]> = {
  rollout: WORKLOAD_CAUSES,
  "helm-release": WORKLOAD_CAUSES,
  "gitops-sync": WORKLOAD_CAUSES,
  config: [
    "crash-loop",
    "probe-failure",
    "init-container-failure",
    "missing-configmap",
    "dependency-unavailable",
    "job-failed",
    "oom-killed",
  ],
  secret: [
    "crash-loop",
    "probe-failure",
    "init-container-failure",
    "missing-secret",
    "dependency-unavailable",
    "job-failed",
    "image-pull",
  ],
  scale: [
    "quota-exceeded",
    "unschedulable-resources",
    "hpa-misconfigured",
    "dependency-unavailable",
    "service-no-endpoints",
  ],
  autoscaling: ["hpa-misconfigured", "quota-exceeded", "unschedulable-resources"],
  quota: ["quota-exceeded", "unschedulable-resources"],
  limits: ["quota-exceeded", "oom-killed", "unschedulable-resources"],
  "network-policy": [
    "network-policy",
    "dependency-unavailable",
    "probe-failure",
    "service-no-endpoints",
    "crash-loop",
  ],
  node: ["node-not-ready", "node-pressure", "unschedulable-resources", "unschedulable-constraints"],
};

/** What the correlation needs to know about one cause. */
export interface CauseFacts {
  category: RootCauseCategory;
  resource: ResourceRef;
  affected: ResourceRef[];
  /** Earliest failure seen (first Warning event, first termination), ms; else the snapshot's now. */
  firstFailureMs: number;
}

/** What a failure is called in a lead ("4 min before the first crash"). */
function failureWord(category: RootCauseCategory): string {
  switch (category) {
    case "crash-loop":
      return "crash";
    case "image-pull":
      return "pull failure";
    case "oom-killed":
      return "OOM kill";
    case "probe-failure":
      return "probe failure";
    case "unschedulable-resources":
    case "unschedulable-constraints":
      return "scheduling failure";
    default:
      return "failure";
  }
}

function duration(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** "image shop/api 2.1.0 → 2.1.1 by helm, 4 min before the first crash". */
export function leadOf(change: Change, beforeMs: number, category: RootCauseCategory): string {
  const what = change.summary.replace(/ \([^()]*revision \d+ → \d+\)$/, "");
  const by = change.manager ? ` by ${change.manager}` : "";
  const first = `the first ${failureWord(category)}`;
  // Event times are second-granular and the first failure is only seen through its first Warning.
  const when =
    Math.abs(beforeMs) < 60_000
      ? `within a minute of ${first}`
      : beforeMs >= 0
        ? `${duration(beforeMs)} before ${first}`
        : `${duration(beforeMs)} after ${first}`;
  return `${what}${by}, ${when}`;
}

/** Keys of objects a pod template references (ConfigMaps and Secrets by volume, env, envFrom). */
function templateRefs(spec: PodSpec | undefined, namespace: string): string[] {
  const out: string[] = [];
  for (const volume of spec?.volumes ?? []) {
    if (volume.configMap?.name)
      out.push(keyOf({ kind: "ConfigMap", namespace, name: volume.configMap.name }));
    if (volume.secret?.secretName)
      out.push(keyOf({ kind: "Secret", namespace, name: volume.secret.secretName }));
  }
  for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    for (const env of container.env ?? []) {
      const cm = env.valueFrom?.configMapKeyRef?.name;
      const secret = env.valueFrom?.secretKeyRef?.name;
      if (cm) out.push(keyOf({ kind: "ConfigMap", namespace, name: cm }));
      if (secret) out.push(keyOf({ kind: "Secret", namespace, name: secret }));
    }
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef?.name)
        out.push(keyOf({ kind: "ConfigMap", namespace, name: from.configMapRef.name }));
      if (from.secretRef?.name) out.push(keyOf({ kind: "Secret", namespace, name: from.secretRef.name }));
    }
  }
  return out;
}

/** Where the correlation looks objects up (the triage's index). */
export interface RelationSources {
  get(ref: ResourceRef): KubeObject | undefined;
  /** Helm storage Secrets (metadata only). */
  secrets: KubeObject[];
}

/** Keys of every object whose change could explain the cause. */
export function relatedKeys(cause: CauseFacts, sources: RelationSources): Set<string> {
  const keys = new Set<string>([keyOf(cause.resource), ...cause.affected.map(keyOf)]);
  const namespace = cause.resource.namespace;
  const workloads = [cause.resource, ...cause.affected]
    .map((ref) => ({ ref, object: sources.get(ref) }))
    .filter((entry): entry is { ref: ResourceRef; object: KubeObject } => entry.object !== undefined);
  const releases = helmReleases(sources.secrets);
  for (const { ref, object } of workloads) {
    const template =
      (object as Workload).spec?.template?.spec ??
      (ref.kind === "Pod" ? (object.spec as PodSpec) : undefined);
    for (const key of templateRefs(template, ref.namespace)) keys.add(key);
    const nodeName = ref.kind === "Pod" ? (object.spec as PodSpec | undefined)?.nodeName : undefined;
    if (nodeName) keys.add(keyOf({ kind: "Node", namespace: "", name: nodeName }));
    const release = releaseOf(object);
    const history =
      release && releases.find((r) => r.name === release.name && r.namespace === release.namespace);
    for (const revision of history?.revisions ?? []) keys.add(keyOf(revision.secret));
    const owner = gitOpsOwnerOf(object);
    if (owner) keys.add(`${owner.kind}/${owner.namespace ?? "*"}/${owner.name}`);
  }
  // Namespace-wide objects: any quota, limit range or policy of the namespace may be the one.
  keys.add(`ResourceQuota/${namespace}/*`);
  keys.add(`LimitRange/${namespace}/*`);
  keys.add(`NetworkPolicy/${namespace}/*`);
  keys.add(`HorizontalPodAutoscaler/${namespace}/*`);
  return keys;
}

function matches(change: Change, keys: Set<string>): boolean {
  const ref = change.resource;
  return (
    keys.has(keyOf(ref)) ||
    keys.has(`${ref.kind}/${ref.namespace}/*`) ||
    keys.has(`${ref.kind}/*/${ref.name}`)
  );
}

/**
 * The changes that explain a cause, newest first: related, of a kind that can cause its
 * category, within {@link CHANGE_WINDOW_MS} before its first failure (or just after).
 */
export function explainingChanges(
  changes: Change[],
  cause: CauseFacts,
  sources: RelationSources,
): CauseChange[] {
  const keys = relatedKeys(cause, sources);
  const out: CauseChange[] = [];
  for (const change of changes) {
    if (!CAN_CAUSE[change.kind].includes(cause.category)) continue;
    // A restart re-reads configuration; whatever changed before it is the explanation.
    if (change.kind === "rollout" && change.summary.startsWith(RESTART)) continue;
    const at = timeMs(change.at);
    if (at === undefined) continue;
    const before = cause.firstFailureMs - at;
    if (before > CHANGE_WINDOW_MS || before < -GRACE_MS) continue;
    if (!matches(change, keys)) continue;
    out.push({
      ...change,
      beforeFailureSeconds: Math.round(before / 1000),
      lead: leadOf(change, before, cause.category),
    });
  }
  // Closest first; at the same time the specific change (the image) before the umbrella (the release).
  const umbrella = (c: Change) => (c.kind === "helm-release" || c.kind === "gitops-sync" ? 1 : 0);
  return out
    .sort((a, b) => a.beforeFailureSeconds - b.beforeFailureSeconds || umbrella(a) - umbrella(b))
    .slice(0, 5);
}
