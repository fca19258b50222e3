import type { Condition, ContainerStatus, Node, Pod, PodStatus } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import type { EventSource } from "../events.js";
import { amount } from "../util/quantity.js";
import { formatTime, parseTime } from "../util/time.js";
import { mountFailure } from "./config.js";
import { type ContainerResult, stepContainer } from "./container.js";

/** The pod's QoS class from its containers' requests and limits. */
export function qosClass(pod: Pod): string {
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let any = false;
  let guaranteed = true;
  for (const container of containers) {
    const requests = container.resources?.requests ?? {};
    const limits = container.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const resource of ["cpu", "memory"]) {
      const limit = amount(resource, limits[resource]);
      const request = amount(resource, requests[resource]) ?? limit;
      if (limit === undefined || request !== limit) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** The node's InternalIP. */
export function nodeAddress(node: Node): string {
  const addresses = (node.status?.addresses ?? []) as { type?: string; address?: string }[];
  return addresses.find((address) => address.type === "InternalIP")?.address ?? "10.0.0.1";
}

function condition(
  previous: Condition[] | undefined,
  nowMs: number,
  type: string,
  status: boolean,
  atMs: number | undefined,
  reason?: string,
  message?: string,
): Condition {
  const old = previous?.find((entry) => entry.type === type);
  const value = status ? "True" : "False";
  const when =
    old && old.status === value && old.reason === reason
      ? old.lastTransitionTime
      : formatTime(Math.min(atMs ?? nowMs, nowMs));
  const result: Condition = { type, status: value };
  if (reason) result.reason = reason;
  if (message) result.message = message;
  result.lastProbeTime = null;
  result.lastTransitionTime = when;
  return result;
}

function names(list: string[]): string {
  return `[${list.join(" ")}]`;
}

function waiting(
  name: string,
  image: string | undefined,
  reason: string,
  previous?: ContainerStatus,
): ContainerStatus {
  return {
    name,
    state: { waiting: { reason } },
    lastState: previous?.lastState ?? {},
    ready: false,
    restartCount: previous?.restartCount ?? 0,
    image: image ?? "",
    imageID: previous?.imageID ?? "",
    started: false,
  };
}

/** Inputs the kubelet pass has worked out for one pod. */
export interface PodContext {
  node: Node;
  podIP: string;
  /** When the pod was bound to the node (epoch ms). */
  scheduledMs: number;
}

/**
 * The status the kubelet reports for a pod on a healthy node at the current simulated time:
 * volumes mounted (or FailedMount), init containers one by one, then the app containers, with
 * phase and conditions derived from them as the kubelet derives them.
 */
export function computePodStatus(cluster: Cluster, pod: Pod, context: PodContext): PodStatus {
  const previous = pod.status ?? {};
  const nowMs = cluster.nowMs;
  const conditions = previous.conditions;
  const source: EventSource = { component: "kubelet", host: context.node.metadata.name ?? "" };
  const inits = pod.spec.initContainers ?? [];
  const apps = pod.spec.containers ?? [];
  const hostIP = nodeAddress(context.node);
  const base = {
    hostIP,
    hostIPs: [{ ip: hostIP }],
    startTime: previous.startTime ?? formatTime(context.scheduledMs),
  };
  const scheduled = condition(conditions, nowMs, "PodScheduled", true, context.scheduledMs);
  const sandbox = conditions?.find((entry) => entry.type === "PodReadyToStartContainers");
  let sandboxMs = sandbox?.status === "True" ? parseTime(sandbox.lastTransitionTime) : undefined;
  if (sandboxMs === undefined) {
    const mount = mountFailure(cluster, pod);
    if (mount) {
      const sinceMs = sandbox
        ? (parseTime(sandbox.lastTransitionTime) ?? context.scheduledMs)
        : context.scheduledMs;
      cluster.events.timeline(pod, "Warning", "FailedMount", mount.message, source, {
        count: 1 + Math.floor((nowMs - sinceMs) / 122_000),
        firstMs: sinceMs,
      });
      const appReason = inits.length > 0 ? "PodInitializing" : "ContainerCreating";
      return {
        phase: "Pending",
        conditions: [
          condition(conditions, nowMs, "PodReadyToStartContainers", false, sinceMs),
          inits.length > 0
            ? condition(
                conditions,
                nowMs,
                "Initialized",
                false,
                sinceMs,
                "ContainersNotInitialized",
                `containers with incomplete status: ${names(inits.map((c) => c.name))}`,
              )
            : condition(conditions, nowMs, "Initialized", true, sinceMs),
          condition(
            conditions,
            nowMs,
            "Ready",
            false,
            sinceMs,
            "ContainersNotReady",
            `containers with unready status: ${names(apps.map((c) => c.name))}`,
          ),
          condition(
            conditions,
            nowMs,
            "ContainersReady",
            false,
            sinceMs,
            "ContainersNotReady",
            `containers with unready status: ${names(apps.map((c) => c.name))}`,
          ),
          scheduled,
        ],
        ...base,
        ...(inits.length > 0
          ? { initContainerStatuses: inits.map((c) => waiting(c.name, c.image, "PodInitializing")) }
          : {}),
        containerStatuses: apps.map((c) => waiting(c.name, c.image, appReason)),
        qosClass: qosClass(pod),
      };
    }
    sandboxMs = sandbox ? nowMs : context.scheduledMs;
  }

  const previousInit = new Map((previous.initContainerStatuses ?? []).map((status) => [status.name, status]));
  const previousApp = new Map((previous.containerStatuses ?? []).map((status) => [status.name, status]));
  let eligibleMs = sandboxMs;
  let initialized = true;
  let initFailed = false;
  const initStatuses: ContainerStatus[] = [];
  const pendingInits: string[] = [];
  for (const container of inits) {
    if (!initialized) {
      initStatuses.push(
        waiting(container.name, container.image, "PodInitializing", previousInit.get(container.name)),
      );
      pendingInits.push(container.name);
      continue;
    }
    const result = stepContainer(cluster, {
      pod,
      container,
      init: true,
      previous: previousInit.get(container.name),
      eligibleMs,
      source,
    });
    initStatuses.push(result.status);
    if (result.completedMs !== undefined) {
      eligibleMs = result.completedMs;
    } else {
      initialized = false;
      initFailed = result.final;
      pendingInits.push(container.name);
    }
  }
  const results: ContainerResult[] = [];
  const appStatuses: ContainerStatus[] = [];
  for (const container of apps) {
    if (!initialized) {
      appStatuses.push(
        waiting(container.name, container.image, "PodInitializing", previousApp.get(container.name)),
      );
      continue;
    }
    const result = stepContainer(cluster, {
      pod,
      container,
      init: false,
      previous: previousApp.get(container.name),
      eligibleMs,
      source,
    });
    results.push(result);
    appStatuses.push(result.status);
  }

  let phase = "Pending";
  if (initFailed) phase = "Failed";
  else if (initialized && results.length > 0 && results.every((result) => result.final)) {
    phase = appStatuses.every((status) => status.state?.terminated?.exitCode === 0) ? "Succeeded" : "Failed";
  } else if (initialized && results.some((result) => result.started)) phase = "Running";

  const unready = apps.filter((_, index) => !results[index]?.ready).map((c) => c.name);
  const readyMs = Math.max(eligibleMs, ...results.map((result) => result.readyMs ?? 0));
  const completed = phase === "Succeeded" || phase === "Failed";
  const readyCondition = (type: string) =>
    completed
      ? condition(conditions, nowMs, type, false, nowMs, "PodCompleted")
      : unready.length === 0
        ? condition(conditions, nowMs, type, true, readyMs)
        : condition(
            conditions,
            nowMs,
            type,
            false,
            eligibleMs,
            "ContainersNotReady",
            `containers with unready status: ${names(unready)}`,
          );
  const status: PodStatus = {
    phase,
    conditions: [
      condition(conditions, nowMs, "PodReadyToStartContainers", !completed, sandboxMs),
      initialized
        ? condition(conditions, nowMs, "Initialized", true, eligibleMs)
        : condition(
            conditions,
            nowMs,
            "Initialized",
            false,
            sandboxMs,
            "ContainersNotInitialized",
            `containers with incomplete status: ${names(pendingInits)}`,
          ),
      readyCondition("Ready"),
      readyCondition("ContainersReady"),
      scheduled,
    ],
    ...base,
    podIP: context.podIP,
    podIPs: [{ ip: context.podIP }],
  };
  if (inits.length > 0) status.initContainerStatuses = initStatuses;
  status.containerStatuses = appStatuses;
  status.qosClass = qosClass(pod);
  return status;
}
