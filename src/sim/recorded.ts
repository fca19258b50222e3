import type { KubeObject } from "../domain/kube.js";
import { SIM_ANNOTATION_PREFIX } from "./types.js";

/**
 * What a state file says about itself: whether it asks for the simulation model (built-in
 * scenarios declare behaviour with `triage.sim/*` annotations; a real `kubectl get -o yaml` dump
 * never does), and the newest instant it records anywhere, which is the snapshot's "now" when it
 * carries no `Clock`.
 */

type Annotated = { metadata?: { annotations?: Record<string, string> | null } } | undefined;

function hasSimAnnotation(meta: Annotated): boolean {
  const annotations = meta?.metadata?.annotations;
  if (!annotations || typeof annotations !== "object") return false;
  for (const key of Object.keys(annotations)) if (key.startsWith(SIM_ANNOTATION_PREFIX)) return true;
  return false;
}

/** True when any object (or its pod template) carries a `triage.sim/*` annotation. */
export function asksForSimulation(objects: readonly KubeObject[]): boolean {
  for (const object of objects) {
    if (hasSimAnnotation(object)) return true;
    const spec = object.spec as
      | { template?: Annotated; jobTemplate?: { spec?: { template?: Annotated } } }
      | undefined;
    if (hasSimAnnotation(spec?.template) || hasSimAnnotation(spec?.jobTemplate?.spec?.template)) return true;
  }
  return false;
}

/** The newest valid instant of a state, and one warning per malformed timestamp. */
export interface RecordedTimes {
  /** Epoch ms of the newest instant, undefined when the objects carry none. */
  newestMs?: number;
  warnings: string[];
}

const CONDITION_TIMES = ["lastTransitionTime", "lastUpdateTime", "lastProbeTime", "lastHeartbeatTime"];
const STATUS_TIMES = ["startTime", "completionTime", "lastScheduleTime", "lastSuccessfulTime"];
const EVENT_TIMES = ["firstTimestamp", "lastTimestamp", "eventTime"];
const CONTAINER_LISTS = ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function objectName(object: KubeObject): string {
  const { namespace, name } = object.metadata ?? {};
  return `${object.kind ?? "object"} ${namespace ? `${namespace}/` : ""}${name ?? "(unnamed)"}`;
}

/** Every recorded instant of one object, as [field path, value] pairs (values unchecked). */
function timesOf(object: KubeObject): [string, unknown][] {
  const out: [string, unknown][] = [];
  const take = (path: string, holder: Record<string, unknown> | undefined, key: string) => {
    const value = holder?.[key];
    if (value !== undefined && value !== null) out.push([`${path}${path ? "." : ""}${key}`, value]);
  };
  const metadata = object.metadata as unknown as Record<string, unknown> | undefined;
  take("metadata", metadata, "creationTimestamp");
  take("metadata", metadata, "deletionTimestamp");
  const managed = metadata?.managedFields;
  if (Array.isArray(managed)) {
    managed.forEach((entry, i) => {
      if (isRecord(entry)) take(`metadata.managedFields[${i}]`, entry, "time");
    });
  }
  if (object.kind === "Event") {
    const event = object as unknown as Record<string, unknown>;
    for (const key of EVENT_TIMES) take("", event, key);
    if (isRecord(event.series)) take("series", event.series, "lastObservedTime");
  }
  const status = isRecord(object.status) ? object.status : undefined;
  if (!status) return out;
  for (const key of STATUS_TIMES) take("status", status, key);
  if (Array.isArray(status.conditions)) {
    status.conditions.forEach((condition, i) => {
      if (!isRecord(condition)) return;
      for (const key of CONDITION_TIMES) take(`status.conditions[${i}]`, condition, key);
    });
  }
  for (const list of CONTAINER_LISTS) {
    const statuses = status[list];
    if (!Array.isArray(statuses)) continue;
    statuses.forEach((container, i) => {
      if (!isRecord(container)) return;
      for (const which of ["state", "lastState"]) {
        const state = container[which];
        if (!isRecord(state)) continue;
        for (const phase of ["running", "terminated"]) {
          const detail = state[phase];
          if (!isRecord(detail)) continue;
          const path = `status.${list}[${i}].${which}.${phase}`;
          take(path, detail, "startedAt");
          take(path, detail, "finishedAt");
        }
      }
    });
  }
  return out;
}

/** Epoch ms of a recorded timestamp (YAML may already have made it a Date), NaN when malformed. */
export function instantMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  return typeof value === "string" && value.trim() !== "" ? Date.parse(value) : Number.NaN;
}

/**
 * The newest instant recorded anywhere in the objects: creation and deletion times, managedFields
 * times, condition transitions and probes, container start and finish times, Job/CronJob times,
 * and event times. A malformed timestamp yields a warning naming the object and field and is
 * otherwise ignored.
 */
export function recordedTimes(objects: readonly KubeObject[], source = "state file"): RecordedTimes {
  let newest = Number.NEGATIVE_INFINITY;
  const warnings: string[] = [];
  for (const object of objects) {
    for (const [field, value] of timesOf(object)) {
      const ms = instantMs(value);
      if (Number.isNaN(ms)) {
        warnings.push(
          `${source}: ${objectName(object)}: ${field} is not an RFC 3339 time (${JSON.stringify(value)}); ignored`,
        );
      } else if (ms > newest) newest = ms;
    }
  }
  return Number.isFinite(newest) ? { newestMs: newest, warnings } : { warnings };
}
