import type { ContainerStatus, Pod } from "../domain/kube.js";

/**
 * The READY / STATUS / RESTARTS columns of `kubectl get pods`, computed exactly as kubectl's
 * printer does (pkg/printers/internalversion printPod), plus kubectl's human durations.
 */

/** kubectl's `duration.HumanDuration`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const rest = seconds % 60;
    return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(seconds / 3600);
  if (hours < 8) {
    const rest = minutes % 60;
    return rest === 0 ? `${hours}h` : `${hours}h${rest}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const rest = hours % 24;
    return rest === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${rest}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    const years = Math.floor(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** Age of a timestamp relative to `nowMs`, or `<unknown>` like kubectl. */
export function age(timestamp: string | undefined, nowMs: number): string {
  if (!timestamp) return "<unknown>";
  const then = Date.parse(timestamp);
  if (Number.isNaN(then)) return "<unknown>";
  return humanDuration(nowMs - then);
}

function conditionTrue(pod: Pod, type: string): boolean {
  return (pod.status?.conditions ?? []).some(
    (condition) => condition.type === type && condition.status === "True",
  );
}

function isRestartableInit(pod: Pod, name: string): boolean {
  return (pod.spec?.initContainers ?? []).some(
    (container) => container.name === name && container.restartPolicy === "Always",
  );
}

function terminatedReason(status: ContainerStatus, prefix: string): string | undefined {
  const terminated = status.state?.terminated;
  if (!terminated) return undefined;
  if (terminated.reason) return `${prefix}${terminated.reason}`;
  return terminated.signal
    ? `${prefix}Signal:${terminated.signal}`
    : `${prefix}ExitCode:${terminated.exitCode}`;
}

/** The pod's READY, STATUS and RESTARTS cells. */
export function podColumns(pod: Pod, nowMs: number): { ready: string; status: string; restarts: string } {
  const status = pod.status ?? {};
  let restarts = 0;
  let ready = 0;
  let lastRestart = 0;
  const containers = pod.spec?.containers ?? [];
  let total = containers.length;
  let reason = status.reason || status.phase || "";
  const noteRestart = (container: ContainerStatus) => {
    restarts += container.restartCount ?? 0;
    const finished = container.lastState?.terminated?.finishedAt;
    if (finished) lastRestart = Math.max(lastRestart, Date.parse(finished) || 0);
  };

  const initStatuses = status.initContainerStatuses ?? [];
  const initCount = pod.spec?.initContainers?.length ?? initStatuses.length;
  let initializing = false;
  for (const [index, container] of initStatuses.entries()) {
    noteRestart(container);
    const sidecar = isRestartableInit(pod, container.name);
    if (sidecar) {
      total++;
      if (container.ready && container.state?.running) ready++;
    }
    if (container.state?.terminated && container.state.terminated.exitCode === 0) continue;
    if (sidecar && container.started) continue;
    if (container.state?.terminated) reason = terminatedReason(container, "Init:")!;
    else if (container.state?.waiting?.reason && container.state.waiting.reason !== "PodInitializing") {
      reason = `Init:${container.state.waiting.reason}`;
    } else reason = `Init:${index}/${initCount}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, "Initialized")) {
    restarts = 0;
    lastRestart = 0;
    for (const container of initStatuses) if (isRestartableInit(pod, container.name)) noteRestart(container);
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let index = statuses.length - 1; index >= 0; index--) {
      const container = statuses[index]!;
      noteRestart(container);
      if (container.state?.waiting?.reason) reason = container.state.waiting.reason;
      else if (container.state?.terminated) reason = terminatedReason(container, "")!;
      else if (container.ready && container.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) reason = conditionTrue(pod, "Ready") ? "Running" : "NotReady";
  }

  if (pod.metadata.deletionTimestamp) reason = status.reason === "NodeLost" ? "Unknown" : "Terminating";
  const restartText =
    lastRestart > 0 ? `${restarts} (${humanDuration(nowMs - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartText };
}
