import type { KubeObject } from "../../domain/kube.js";
import { SIM_ANNOTATION_PREFIX } from "../types.js";
import { parseQuantity } from "./util/quantity.js";

/**
 * The `triage.sim/*` annotations that declare behaviour a pod spec cannot express (how much memory
 * a container really uses, how it exits, what it logs). They are read from the pod, which carries
 * them from its workload's pod template; `<key>.<container>` overrides `<key>` for one container.
 * Documented in src/sim/README.md.
 */
export const ANNOTATIONS = {
  memoryUsage: "memory-usage",
  cpuUsage: "cpu-usage",
  exitCode: "exit-code",
  terminationReason: "termination-reason",
  runSeconds: "run-seconds",
  log: "log",
  previousLog: "previous-log",
  readiness: "readiness",
  readinessMessage: "readiness-message",
  liveness: "liveness",
  livenessMessage: "liveness-message",
  dependsOn: "depends-on",
  missingImages: "missing-images",
  unresolvableRegistries: "unresolvable-registries",
  nodeReady: "node-ready",
  secretKeys: "keys",
} as const;

/** Marks a pod whose status the model computes (pods without it but with a status keep theirs). */
export const COMPUTED_STATUS_ANNOTATION = `${SIM_ANNOTATION_PREFIX}status-source`;
export const COMPUTED_STATUS_VALUE = "model";

/** An annotation value: `triage.sim/<key>.<container>` if set, else `triage.sim/<key>`. */
export function simAnnotation(object: KubeObject, key: string, container?: string): string | undefined {
  const annotations = object.metadata.annotations;
  if (!annotations) return undefined;
  if (container !== undefined) {
    const specific = annotations[`${SIM_ANNOTATION_PREFIX}${key}.${container}`];
    if (specific !== undefined) return specific;
  }
  return annotations[`${SIM_ANNOTATION_PREFIX}${key}`];
}

/** An integer annotation, or undefined when absent or not a number. */
export function simInteger(object: KubeObject, key: string, container?: string): number | undefined {
  const raw = simAnnotation(object, key, container);
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  return Number.isInteger(value) ? value : undefined;
}

/** A quantity annotation in base units (bytes for memory). */
export function simQuantity(object: KubeObject, key: string, container?: string): number | undefined {
  const raw = simAnnotation(object, key, container);
  return raw === undefined ? undefined : parseQuantity(raw);
}

/** True when a probe annotation says the probe fails ("fail", "failing", "false"). */
export function simFails(object: KubeObject, key: string, container?: string): boolean {
  const raw = simAnnotation(object, key, container)?.trim().toLowerCase();
  return raw === "fail" || raw === "failing" || raw === "false";
}

/** A list annotation split on commas and whitespace. */
export function simList(object: KubeObject | undefined, key: string): string[] {
  const raw = object ? simAnnotation(object, key) : undefined;
  return raw ? raw.split(/[\s,]+/).filter((item) => item.length > 0) : [];
}

/** Marks a pod as model-computed (mutates and returns it). */
export function markComputed<T extends KubeObject>(pod: T): T {
  pod.metadata.annotations = {
    ...pod.metadata.annotations,
    [COMPUTED_STATUS_ANNOTATION]: COMPUTED_STATUS_VALUE,
  };
  return pod;
}
