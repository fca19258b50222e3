import type { Container, ContainerStatus, Pod } from "../../../domain/kube.js";
import { ANNOTATIONS, simAnnotation, simFails } from "../annotations.js";
import type { Cluster } from "../cluster.js";
import type { EventSource } from "../events.js";
import { fnv32a, hexFrom } from "../util/hash.js";
import { formatTime, parseTime } from "../util/time.js";
import { behaviourOf } from "./behaviour.js";
import { containerConfigError } from "./config.js";
import { advanceCycle, backoffSeconds, type CycleState, pullAttempts, type StopSpec } from "./cycle.js";
import { parseImage, pullFailure } from "./images.js";

/** One container to bring up to date. */
export interface ContainerInput {
  pod: Pod;
  container: Container;
  init: boolean;
  previous: ContainerStatus | undefined;
  /** When the container could first start (sandbox ready, or the previous init container done). */
  eligibleMs: number;
  source: EventSource;
}

/** The container's new status and what the pod needs to know about it. */
export interface ContainerResult {
  status: ContainerStatus;
  /** Ever started (a pod with a started app container is Running). */
  started: boolean;
  /** Finished successfully and will not run again (gates the next init container). */
  completedMs?: number;
  /** Finished and will not run again (any exit code). */
  final: boolean;
  ready: boolean;
  readyMs?: number;
}

const NOT_STARTED = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "CreateContainerConfigError",
  "ContainerCreating",
  "PodInitializing",
]);
const BLOCKED = new Set(["ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError"]);

/** The `pod=` part of kubelet messages: name_namespace(uid). */
export function podLabel(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid ?? ""})`;
}

function imageId(image: string): string {
  const ref = parseImage(image);
  return `${ref.registry}/${ref.repository}@sha256:${hexFrom(ref.normalized, 64)}`;
}

function waitingStatus(input: ContainerInput, reason: string, message?: string): ContainerStatus {
  const previous = input.previous;
  return {
    name: input.container.name,
    state: { waiting: message === undefined ? { reason } : { reason, message } },
    lastState: previous?.lastState ?? {},
    ready: false,
    restartCount: previous?.restartCount ?? 0,
    image: input.container.image ?? "",
    imageID: previous?.imageID ?? "",
    started: false,
  };
}

/** A container that cannot start yet: image pull failing or config missing. */
function blocked(cluster: Cluster, input: ContainerInput): ContainerResult | undefined {
  const { pod, container, source } = input;
  const fieldPath = `spec.${input.init ? "initContainers" : "containers"}{${container.name}}`;
  const image = container.image ?? "";
  const failure = image ? pullFailure(cluster, pod, image) : undefined;
  if (failure) {
    const attempts = pullAttempts(input.eligibleMs, cluster.nowMs);
    const events = cluster.events;
    const timeline = { firstMs: input.eligibleMs, fieldPath };
    events.timeline(pod, "Normal", "Pulling", `Pulling image "${image}"`, source, {
      ...timeline,
      count: attempts.failures + 1,
    });
    if (attempts.failures === 0)
      return {
        status: waitingStatus(input, input.init ? "PodInitializing" : "ContainerCreating"),
        started: false,
        final: false,
        ready: false,
      };
    const count = attempts.failures;
    const lastMs = attempts.lastFailureMs ?? cluster.nowMs;
    events.timeline(pod, "Warning", "Failed", `Failed to pull image "${image}": ${failure.message}`, source, {
      ...timeline,
      count,
      lastMs,
    });
    events.timeline(pod, "Warning", "Failed", "Error: ErrImagePull", source, { ...timeline, count, lastMs });
    events.timeline(pod, "Normal", "BackOff", `Back-off pulling image "${image}"`, source, {
      ...timeline,
      count,
    });
    events.timeline(pod, "Warning", "Failed", "Error: ImagePullBackOff", source, { ...timeline, count });
    const status = attempts.fresh
      ? waitingStatus(input, "ErrImagePull", failure.message)
      : waitingStatus(input, "ImagePullBackOff", `Back-off pulling image "${image}"`);
    return { status, started: false, final: false, ready: false };
  }
  const configError = containerConfigError(cluster, pod, container);
  if (configError) {
    const timeline = { firstMs: input.eligibleMs, fieldPath };
    cluster.events.timeline(
      pod,
      "Normal",
      "Pulled",
      `Container image "${image}" already present on machine`,
      source,
      { ...timeline, count: 1 },
    );
    const retries = pullAttempts(input.eligibleMs - 1000, cluster.nowMs).failures;
    cluster.events.timeline(pod, "Warning", "Failed", `Error: ${configError}`, source, {
      ...timeline,
      count: Math.max(1, retries),
    });
    const status = waitingStatus(input, "CreateContainerConfigError", configError);
    status.imageID = imageId(image);
    return { status, started: false, final: false, ready: false };
  }
  return undefined;
}

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

/** Emits the lifecycle events of a started container and serves its logs. */
function recordStarted(cluster: Cluster, input: ContainerInput, cycle: CycleState, firstMs: number): void {
  const { pod, container, source } = input;
  const image = container.image ?? "";
  const fieldPath = `spec.${input.init ? "initContainers" : "containers"}{${container.name}}`;
  const base = { firstMs, fieldPath };
  const events = cluster.events;
  const starts = cycle.state.waiting ? cycle.restartCount : cycle.restartCount + 1;
  const pullMs = 800 + (fnv32a(image) % 4000);
  const seconds = (pullMs / 1000).toFixed(3);
  events.timeline(pod, "Normal", "Pulling", `Pulling image "${image}"`, source, { ...base, count: 1 });
  events.timeline(
    pod,
    "Normal",
    "Pulled",
    `Successfully pulled image "${image}" in ${seconds}s (${seconds}s including waiting). Image size: ${20_000_000 + (fnv32a(`${image}#size`) % 180_000_000)} bytes.`,
    source,
    { ...base, count: 1 },
  );
  events.timeline(pod, "Normal", "Created", `Created container ${container.name}`, source, {
    ...base,
    count: starts,
    lastMs: cycle.runStartMs,
  });
  events.timeline(pod, "Normal", "Started", `Started container ${container.name}`, source, {
    ...base,
    count: starts,
    lastMs: cycle.runStartMs,
  });
  const behaviour = behaviourOf(cluster, pod, container, input.init);
  const failures = cycle.restartCount;
  if (failures > 0) {
    if (behaviour.kind === "stop" && behaviour.cause === "liveness") {
      const threshold = container.livenessProbe?.failureThreshold ?? 3;
      events.timeline(
        pod,
        "Warning",
        "Unhealthy",
        `Liveness probe failed: ${behaviour.probeMessage ?? ""}`,
        source,
        { ...base, count: failures * threshold },
      );
      events.timeline(
        pod,
        "Normal",
        "Killing",
        `Container ${container.name} failed liveness probe, will be restarted`,
        source,
        { ...base, count: failures },
      );
    }
    events.timeline(
      pod,
      "Warning",
      "BackOff",
      `Back-off restarting failed container ${container.name} in pod ${podLabel(pod)}`,
      source,
      { ...base, count: failures },
    );
  }
  const log = behaviour.kind === "stop" ? behaviour.log : simAnnotation(pod, ANNOTATIONS.log, container.name);
  const namespace = pod.metadata.namespace ?? "";
  const name = pod.metadata.name ?? "";
  if (log !== undefined) cluster.view.setLog(namespace, name, container.name, false, log);
  if (cycle.restartCount > 0 || cycle.lastState.terminated) {
    const previous = simAnnotation(pod, ANNOTATIONS.previousLog, container.name) ?? log;
    if (previous !== undefined) cluster.view.setLog(namespace, name, container.name, true, previous);
  }
}

/** Readiness of a running container: probe declared failing, or not yet past its initial delay. */
function readiness(
  cluster: Cluster,
  input: ContainerInput,
  cycle: CycleState,
): { ready: boolean; readyMs?: number } {
  const { pod, container, source } = input;
  if (!cycle.state.running) return { ready: false };
  const probe = container.readinessProbe;
  const startedMs = cycle.runStartMs;
  const delayMs = (probe?.initialDelaySeconds ?? 0) * 1000;
  if (simFails(pod, ANNOTATIONS.readiness, container.name)) {
    const periodMs = (probe?.periodSeconds ?? 10) * 1000;
    const since = startedMs + delayMs;
    if (cluster.nowMs >= since) {
      const message =
        simAnnotation(pod, ANNOTATIONS.readinessMessage, container.name) ??
        "HTTP probe failed with statuscode: 503";
      const count = Math.floor((cluster.nowMs - since) / periodMs) + 1;
      cluster.events.timeline(pod, "Warning", "Unhealthy", `Readiness probe failed: ${message}`, source, {
        count,
        firstMs: since,
        fieldPath: `spec.containers{${container.name}}`,
      });
    }
    return { ready: false };
  }
  const readyMs = probe ? startedMs + delayMs : startedMs;
  return cluster.nowMs >= readyMs ? { ready: true, readyMs } : { ready: false };
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
