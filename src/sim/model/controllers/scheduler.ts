import type { Node, PersistentVolumeClaim, Pod } from "../../../domain/kube.js";
import { COMPUTED_STATUS_ANNOTATION, markComputed } from "../annotations.js";
import type { Cluster } from "../cluster.js";
import { isComputed } from "../kubelet/index.js";
import { isTerminal } from "../nodes.js";
import { jsonEqual } from "../util/equal.js";
import { matchesNodeAffinity, type Taint, untoleratedTaint } from "../util/selectors.js";
import { formatTime, parseTime } from "../util/time.js";
import { bindClaim, bindingMode } from "./pvc.js";
import { allocatable, podRequests, type Resources } from "./resources.js";

const SOURCE = { component: "default-scheduler" };
const NOT_HELPFUL = "Preemption is not helpful for scheduling";
const NO_VICTIMS = "No preemption victims found for incoming pod";

/** Why one node cannot take the pod; `resolvable` failures could be fixed by preemption. */
interface NodeFailure {
  reasons: string[];
  resolvable: boolean;
}

function histogram(entries: string[]): string {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry, (counts.get(entry) ?? 0) + 1);
  return [...counts.entries()]
    .map(([reason, count]) => `${count} ${reason}`)
    .sort()
    .join(", ");
}

/** The scheduler's FailedScheduling message for per-node failures. */
export function failureMessage(total: number, failures: NodeFailure[]): string {
  if (total === 0) return "no nodes available to schedule pods";
  const reasons = histogram(failures.flatMap((failure) => failure.reasons));
  const preemption = histogram(failures.map((failure) => (failure.resolvable ? NO_VICTIMS : NOT_HELPFUL)));
  return `0/${total} nodes are available: ${reasons}. preemption: 0/${total} nodes are available: ${preemption}.`;
}

/** A failure before any node is considered (PreFilter), e.g. a missing PVC. */
function preFilterMessage(total: number, reason: string): string {
  return `0/${total} nodes are available: ${reason}. preemption: 0/${total} nodes are available: ${total} ${NOT_HELPFUL}.`;
}

/** The PVC problem that keeps a pod from being scheduled anywhere, if any. */
function claimProblem(cluster: Cluster, pod: Pod): string | undefined {
  for (const volume of pod.spec.volumes ?? []) {
    const name = volume.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const claim = cluster.claims.get(`${pod.metadata.namespace}/${name}`);
    if (!claim) return `persistentvolumeclaim "${name}" not found`;
    if (claim.metadata.deletionTimestamp) return `persistentvolumeclaim "${name}" is being deleted`;
    if (claim.status?.phase !== "Bound" && bindingMode(cluster, claim) !== "WaitForFirstConsumer") {
      return "pod has unbound immediate PersistentVolumeClaims";
    }
  }
  return undefined;
}

function claimsOf(cluster: Cluster, pod: Pod): PersistentVolumeClaim[] {
  const claims: PersistentVolumeClaim[] = [];
  for (const volume of pod.spec.volumes ?? []) {
    const name = volume.persistentVolumeClaim?.claimName;
    const claim = name ? cluster.claims.get(`${pod.metadata.namespace}/${name}`) : undefined;
    if (claim) claims.push(claim);
  }
  return claims;
}

/** True when every bound claim's volume may be used on the node (local volumes pin pods). */
function volumesFit(cluster: Cluster, claims: PersistentVolumeClaim[], node: Node): boolean {
  for (const claim of claims) {
    const volume = claim.spec?.volumeName ? cluster.persistentVolumes.get(claim.spec.volumeName) : undefined;
    const required = (volume?.spec as { nodeAffinity?: { required?: unknown } } | undefined)?.nodeAffinity
      ?.required;
    if (!required) continue;
    const spec = {
      containers: [],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required } },
    };
    if (!matchesNodeAffinity(spec, node)) return false;
  }
  return true;
}

/** Runs the scheduler's filters on one node, in the scheduler's plugin order. */
/** A node with what the filters read from it, worked out once per pass. */
interface Candidate {
  node: Node;
  capacity: Resources;
  used: Resources;
}

function filterNode(
  pod: Pod,
  request: Resources,
  candidate: Candidate,
  claims: PersistentVolumeClaim[],
  cluster: Cluster,
): NodeFailure | undefined {
  const { node, capacity, used } = candidate;
  const taints = (node.spec?.taints ?? []) as Taint[];
  if (
    node.spec?.unschedulable &&
    untoleratedTaint(pod.spec, [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }])
  ) {
    return { reasons: ["node(s) were unschedulable"], resolvable: false };
  }
  const taint = untoleratedTaint(pod.spec, taints);
  if (taint)
    return {
      reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`],
      resolvable: false,
    };
  if (!matchesNodeAffinity(pod.spec, node))
    return { reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false };
  const reasons: string[] = [];
  if (used.pods + 1 > capacity.pods) reasons.push("Too many pods");
  if (request.cpu > 0 && used.cpu + request.cpu > capacity.cpu) reasons.push("Insufficient cpu");
  if (request.memory > 0 && used.memory + request.memory > capacity.memory)
    reasons.push("Insufficient memory");
  if (reasons.length > 0) return { reasons, resolvable: true };
  if (!volumesFit(cluster, claims, node))
    return { reasons: ["node(s) had volume node affinity conflict"], resolvable: false };
  return undefined;
}

/** Requests already placed on each node by live pods. */
function usage(cluster: Cluster): Map<string, Resources> {
  const result = new Map<string, Resources>();
  for (const name of cluster.nodes.keys()) result.set(name, { cpu: 0, memory: 0, pods: 0 });
  for (const pod of cluster.pods.values()) {
    const node = pod.spec?.nodeName;
    const entry = node ? result.get(node) : undefined;
    if (!entry || isTerminal(pod)) continue;
    const request = podRequests(pod);
    entry.cpu += request.cpu;
    entry.memory += request.memory;
    entry.pods += 1;
  }
  return result;
}

function unschedulable(cluster: Cluster, pod: Pod, message: string): void {
  const previous = pod.status?.conditions?.find((entry) => entry.type === "PodScheduled");
  const sinceMs =
    previous?.status === "False"
      ? (parseTime(previous.lastTransitionTime) ?? cluster.nowMs)
      : Math.min(parseTime(pod.metadata.creationTimestamp) ?? cluster.nowMs, cluster.nowMs);
  const status = {
    ...pod.status,
    phase: "Pending",
    conditions: [
      {
        type: "PodScheduled",
        status: "False",
        reason: "Unschedulable",
        message,
        lastProbeTime: null,
        lastTransitionTime: formatTime(sinceMs),
      },
    ],
  };
  const unchanged = jsonEqual(pod.status, status) && !isUnmarked(pod);
  if (unchanged && cluster.sameInstant) return;
  // The scheduler retries unschedulable pods at least every five minutes.
  cluster.events.timeline(pod, "Warning", "FailedScheduling", message, SOURCE, {
    count: 1 + Math.floor((cluster.nowMs - sinceMs) / 300_000),
    firstMs: sinceMs,
  });
  if (unchanged) return;
  pod.status = status;
  cluster.save(markComputed(pod));
}

function isUnmarked(pod: Pod): boolean {
  return pod.metadata.annotations?.[COMPUTED_STATUS_ANNOTATION] === undefined;
}

/**
 * The default scheduler: places every pending pod on a feasible node (fewest pods first), or
 * records why none fits with the scheduler's own FailedScheduling wording. Binding a pod also
 * binds its WaitForFirstConsumer claims on that node.
 */
export function runScheduler(cluster: Cluster): void {
  const pending = [...cluster.pods.values()]
    .filter(
      (pod) => !pod.spec?.nodeName && !pod.metadata.deletionTimestamp && !isTerminal(pod) && isComputed(pod),
    )
    .sort(
      (a, b) =>
        (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "") ||
        (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""),
    );
  if (pending.length === 0) return;
  const used = usage(cluster);
  const candidates: Candidate[] = [...cluster.nodes.values()]
    .sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""))
    .map((node) => ({
      node,
      capacity: allocatable(node),
      used: used.get(node.metadata.name ?? "") ?? { cpu: 0, memory: 0, pods: 0 },
    }));
  for (const pod of pending) {
    const problem = claimProblem(cluster, pod);
    if (problem) {
      unschedulable(cluster, pod, preFilterMessage(candidates.length, problem));
      continue;
    }
    const claims = claimsOf(cluster, pod);
    const request = podRequests(pod);
    const failures: NodeFailure[] = [];
    let best: Candidate | undefined;
    for (const candidate of candidates) {
      const failure = filterNode(pod, request, candidate, claims, cluster);
      if (failure) failures.push(failure);
      else if (!best || candidate.used.pods < best.used.pods) best = candidate;
    }
    if (!best) {
      unschedulable(cluster, pod, failureMessage(candidates.length, failures));
      continue;
    }
    best.used.cpu += request.cpu;
    best.used.memory += request.memory;
    best.used.pods += 1;
    const chosen = best.node;
    const nodeName = chosen.metadata.name ?? "";
    const previous = pod.status?.conditions?.find((entry) => entry.type === "PodScheduled");
    // Scheduled at creation unless it waited; a backdated pod was scheduled when it was created.
    const scheduledMs = previous
      ? cluster.nowMs
      : Math.min(parseTime(pod.metadata.creationTimestamp) ?? cluster.nowMs, cluster.nowMs);
    for (const claim of claims) if (claim.status?.phase !== "Bound") bindClaim(cluster, claim, nodeName);
    pod.spec.nodeName = nodeName;
    pod.status = {
      phase: "Pending",
      conditions: [
        {
          type: "PodScheduled",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: formatTime(scheduledMs),
        },
      ],
      qosClass: pod.status?.qosClass,
    };
    const stored = cluster.save(markComputed(pod));
    cluster.events.timeline(
      stored,
      "Normal",
      "Scheduled",
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`,
      SOURCE,
      {
        count: 1,
        firstMs: scheduledMs,
      },
    );
  }
}
