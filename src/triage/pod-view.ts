import type { ContainerStatus, KubeEvent, Pod } from "../domain/kube.js";
import type { ResourceRef } from "../domain/types.js";
import { RECENT_MS } from "./events.js";
import type { Ownership } from "./owners.js";

/** How one container is failing, classified once and shared by every check. */
export type ContainerIssueKind = "image-pull" | "config" | "crash-loop" | "oom" | "error-exit" | "not-ready";

/** One failing container and how it fails, with its state quoted verbatim. */
export interface ContainerIssue {
  kind: ContainerIssueKind;
  container: string;
  init: boolean;
  status: ContainerStatus;
  /** Exit code of the termination the issue is about, when there is one. */
  exitCode?: number;
  /** Verbatim container state, e.g. `... waiting CrashLoopBackOff: ...; last terminated Error (exit code 137)`. */
  quote: string;
}

/** A pod as the checks see it: where it belongs, whether it works, and how its containers fail. */
export interface PodView {
  pod: Pod;
  ref: ResourceRef;
  owner: Ownership;
  phase: string;
  /** Running and Ready, or Succeeded. */
  healthy: boolean;
  /** False when the scheduler could not place it (PodScheduled=False). */
  scheduled: boolean;
  issues: ContainerIssue[];
  /** Events about this pod (newest first); empty when the pod is healthy (old news). */
  events: KubeEvent[];
}

/** Waiting reasons the kubelet uses while it cannot get an image. */
export const IMAGE_PULL_REASONS = [
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "RegistryUnavailable",
  "ImageInspectError",
];
const CONFIG_REASONS = ["CreateContainerConfigError", "CreateContainerError", "RunContainerError"];

/** The pod's Ready condition, else all its containers ready (hand-written files omit conditions). */
export function podReady(pod: Pod): boolean {
  const condition = pod.status?.conditions?.find((c) => c.type === "Ready");
  if (condition) return condition.status === "True";
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.length > 0 && statuses.every((status) => status.ready);
}

/** Running and Ready, or finished successfully. */
export function podHealthy(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || (phase === "Running" && podReady(pod));
}

function describeTermination(label: string, state: ContainerStatus["lastState"]): string {
  const terminated = state?.terminated;
  if (!terminated) return "";
  const message = terminated.message ? `: ${terminated.message.trim()}` : "";
  return `${label} ${terminated.reason ?? "terminated"} (exit code ${terminated.exitCode})${message}`;
}

/** The container's state in words, quoting reasons and messages verbatim. */
export function quoteContainer(pod: Pod, status: ContainerStatus, init: boolean): string {
  const parts: string[] = [];
  const waiting = status.state?.waiting;
  if (waiting) parts.push(`waiting ${waiting.reason ?? ""}${waiting.message ? `: ${waiting.message}` : ""}`);
  if (status.state?.running) parts.push(status.ready ? "running, ready" : "running, not ready");
  if (status.state?.terminated) parts.push(describeTermination("terminated", status.state));
  if (status.lastState?.terminated) parts.push(describeTermination("last terminated", status.lastState));
  const restarts = status.restartCount > 0 ? ` (restarts: ${status.restartCount})` : "";
  const where = `Pod ${pod.metadata.namespace}/${pod.metadata.name} ${init ? "init container" : "container"} ${status.name}`;
  return `${where}: ${parts.join("; ")}${restarts}`;
}

function recentlyFinished(status: ContainerStatus, nowMs: number): boolean {
  const finished = status.lastState?.terminated?.finishedAt;
  const time = finished ? Date.parse(finished) : Number.NaN;
  return Number.isNaN(time) || nowMs - time <= RECENT_MS;
}

/** How a container status is failing, or undefined when it is fine (or merely starting). */
export function classifyContainer(
  pod: Pod,
  status: ContainerStatus,
  init: boolean,
  nowMs: number,
): ContainerIssue | undefined {
  const waiting = status.state?.waiting?.reason ?? "";
  const terminated = status.state?.terminated;
  const last = status.lastState?.terminated;
  const base = { container: status.name, init, status, quote: quoteContainer(pod, status, init) };
  if (IMAGE_PULL_REASONS.includes(waiting)) return { ...base, kind: "image-pull" };
  if (CONFIG_REASONS.includes(waiting)) return { ...base, kind: "config" };
  const oom =
    terminated?.reason === "OOMKilled" ? terminated : last?.reason === "OOMKilled" ? last : undefined;
  const settled = status.ready && status.state?.running !== undefined;
  if (oom && (!settled || recentlyFinished(status, nowMs)))
    return { ...base, kind: "oom", exitCode: oom.exitCode };
  if (waiting === "CrashLoopBackOff") return { ...base, kind: "crash-loop", exitCode: last?.exitCode };
  if (terminated && terminated.exitCode !== 0)
    return { ...base, kind: "error-exit", exitCode: terminated.exitCode };
  // Restarting but momentarily up: still a crash loop when it keeps happening lately.
  if (last && last.exitCode !== 0 && status.restartCount >= 3 && recentlyFinished(status, nowMs) && !init) {
    return { ...base, kind: "crash-loop", exitCode: last.exitCode };
  }
  if (!init && status.state?.running && !status.ready) return { ...base, kind: "not-ready" };
  return undefined;
}

/** Every failing container of the pod, init containers first. */
export function classifyPod(pod: Pod, nowMs: number): ContainerIssue[] {
  const issues: ContainerIssue[] = [];
  for (const status of pod.status?.initContainerStatuses ?? []) {
    const issue = classifyContainer(pod, status, true, nowMs);
    if (issue) issues.push(issue);
  }
  for (const status of pod.status?.containerStatuses ?? []) {
    const issue = classifyContainer(pod, status, false, nowMs);
    if (issue) issues.push(issue);
  }
  return issues;
}
