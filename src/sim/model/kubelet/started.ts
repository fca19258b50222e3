import { ANNOTATIONS, simAnnotation, simFails } from "../annotations.js";
import type { Cluster } from "../cluster.js";
import { fnv32a } from "../util/hash.js";
import { behaviourOf } from "./behaviour.js";
import { type ContainerInput, podLabel } from "./container-types.js";
import type { CycleState } from "./cycle.js";

/** Emits the lifecycle events of a started container and serves its logs. */
export function recordStarted(
  cluster: Cluster,
  input: ContainerInput,
  cycle: CycleState,
  firstMs: number,
): void {
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
  if (events.muted) return;
  if (log !== undefined) cluster.view.setLog(namespace, name, container.name, false, log);
  if (cycle.restartCount > 0 || cycle.lastState.terminated) {
    const previous = simAnnotation(pod, ANNOTATIONS.previousLog, container.name) ?? log;
    if (previous !== undefined) cluster.view.setLog(namespace, name, container.name, true, previous);
  }
}

/** Readiness of a running container: probe declared failing, or not yet past its initial delay. */
export function readiness(
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
