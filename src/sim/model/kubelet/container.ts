import type { ContainerStatus } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import { hexFrom } from "../util/hash.js";
import { formatTime, parseTime } from "../util/time.js";
import { behaviourOf } from "./behaviour.js";
import { blocked } from "./blocked.js";
import { type ContainerInput, type ContainerResult, imageId, podLabel } from "./container-types.js";
import { advanceCycle, backoffSeconds, type CycleState, type StopSpec } from "./cycle.js";
import { readiness, recordStarted } from "./started.js";

export type { ContainerInput, ContainerResult } from "./container-types.js";
export { podLabel } from "./container-types.js";

const NOT_STARTED = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "CreateContainerConfigError",
  "ContainerCreating",
  "PodInitializing",
]);
const BLOCKED = new Set(["ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError"]);

/** Where a started container stands now, resumed from its recorded status. */
function cycleOf(
  cluster: Cluster,
  input: ContainerInput,
  firstStartMs: number | undefined,
): CycleState & { run: boolean } {
  const { pod, container } = input;
  const behaviour = behaviourOf(cluster, pod, container, input.init);
  const previous = input.previous;
  const restartPolicy = pod.spec.restartPolicy ?? "Always";
  const uid = pod.metadata.uid ?? pod.metadata.name ?? "";
  const stop: StopSpec | undefined =
    behaviour.kind === "stop"
      ? {
          exitCode: behaviour.exitCode,
          reason: behaviour.reason,
          runSeconds: behaviour.runSeconds,
          // Init containers are done once they exit 0; app containers restart per restartPolicy.
          restartable: input.init
            ? restartPolicy !== "Never" && behaviour.exitCode !== 0
            : restartPolicy === "Always" || (restartPolicy === "OnFailure" && behaviour.exitCode !== 0),
          backoffMessage: (delay) =>
            `back-off ${delay} restarting failed container=${container.name} pod=${podLabel(pod)}`,
          containerId: (restarts) => `containerd://${hexFrom(`${uid}/${container.name}/${restarts}`, 64)}`,
        }
      : undefined;
  if (firstStartMs !== undefined) {
    if (!stop)
      return {
        state: { running: { startedAt: formatTime(firstStartMs) } },
        lastState: {},
        restartCount: 0,
        runStartMs: firstStartMs,
        final: false,
        run: true,
      };
    return { ...advanceCycle(stop, firstStartMs, 0, undefined, cluster.nowMs), run: false };
  }
  const state = previous?.state ?? {};
  const restarts = previous?.restartCount ?? 0;
  const last = previous?.lastState?.terminated;
  if (state.terminated) {
    return {
      state,
      lastState: previous?.lastState ?? {},
      restartCount: restarts,
      runStartMs: parseTime(state.terminated.startedAt) ?? cluster.nowMs,
      final: true,
      run: false,
    };
  }
  const runningSince = parseTime(state.running?.startedAt);
  if (runningSince !== undefined) {
    if (!stop)
      return {
        state,
        lastState: previous?.lastState ?? {},
        restartCount: restarts,
        runStartMs: runningSince,
        final: false,
        run: true,
      };
    return { ...advanceCycle(stop, runningSince, restarts, last, cluster.nowMs), run: false };
  }
  // Backing off after an exit: the next run starts when the back-off ends.
  const finished = parseTime(last?.finishedAt) ?? cluster.nowMs;
  const nextStart = finished + backoffSeconds(Math.max(1, restarts)) * 1000;
  if (!stop) {
    if (cluster.nowMs < nextStart)
      return {
        state,
        lastState: previous?.lastState ?? {},
        restartCount: restarts,
        runStartMs: finished,
        final: false,
        run: true,
      };
    return {
      state: { running: { startedAt: formatTime(nextStart) } },
      lastState: previous?.lastState ?? {},
      restartCount: restarts,
      runStartMs: nextStart,
      final: false,
      run: true,
    };
  }
  const lastStart = parseTime(last?.startedAt) ?? finished;
  return {
    ...advanceCycle(stop, lastStart, Math.max(0, restarts - 1), undefined, cluster.nowMs, finished),
    run: false,
  };
}

/**
 * Brings one container's status up to date the way the kubelet would by now: pull (or fail to),
 * generate its config (or fail to), start it, and follow its run/exit/back-off cycle.
 */
export function stepContainer(cluster: Cluster, input: ContainerInput): ContainerResult {
  const previous = input.previous;
  const waitingReason = previous?.state?.waiting?.reason;
  const everStarted =
    previous !== undefined &&
    (previous.state?.running !== undefined ||
      previous.state?.terminated !== undefined ||
      previous.lastState?.terminated !== undefined ||
      (waitingReason !== undefined && !NOT_STARTED.has(waitingReason)));
  let firstStartMs: number | undefined;
  if (!everStarted) {
    const stuck = blocked(cluster, input);
    if (stuck) return stuck;
    // Unblocked just now (Secret created, image fixed), or seen for the first time.
    firstStartMs =
      waitingReason !== undefined && BLOCKED.has(waitingReason) ? cluster.nowMs : input.eligibleMs;
  }
  const cycle = cycleOf(cluster, input, firstStartMs);
  recordStarted(cluster, input, cycle, input.eligibleMs);
  const { ready, readyMs } = input.init
    ? { ready: cycle.final && cycle.state.terminated?.exitCode === 0, readyMs: undefined }
    : readiness(cluster, input, cycle);
  const runningId = `containerd://${hexFrom(`${input.pod.metadata.uid ?? ""}/${input.container.name}/${cycle.restartCount}`, 64)}`;
  const status: ContainerStatus = {
    name: input.container.name,
    state: cycle.state,
    lastState: cycle.lastState,
    ready,
    restartCount: cycle.restartCount,
    image: input.container.image ?? "",
    imageID: imageId(input.container.image ?? ""),
    started: cycle.state.running !== undefined,
  };
  if (cycle.state.running) status.containerID = runningId;
  else if (cycle.state.terminated?.containerID) status.containerID = cycle.state.terminated.containerID;
  else if (cycle.lastState.terminated?.containerID)
    status.containerID = cycle.lastState.terminated.containerID;
  const terminated = cycle.state.terminated;
  const completedMs =
    cycle.final && terminated?.exitCode === 0 ? parseTime(terminated.finishedAt) : undefined;
  return {
    status,
    started: true,
    final: cycle.final,
    ready,
    ...(completedMs !== undefined ? { completedMs } : {}),
    ...(readyMs !== undefined ? { readyMs } : {}),
  };
}
