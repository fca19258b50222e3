import type { KubeObject } from "../domain/kube.js";
import { hideSecretPairs, hideTokens, MAYBE_SECRET, REDACTED } from "./secret-patterns.js";

export { REDACTED };

import { trimManagedFields } from "./managed-fields.js";

/**
 * Redaction of secret-like values before anything leaves the read path (snapshots, evidence
 * files, Claude tool results, Slack messages). It errs on the side of hiding: a redacted harmless
 * value costs a little context, a leaked token costs an incident.
 */

/** Annotation kubectl writes on `apply`: a full copy of the manifest, env values included. */
export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Env var names whose value is hidden whatever it looks like. */
const SECRET_NAME = /pass|secret|token|key|credential|auth|dsn|url|conn|cert|private|session|cookie/i;

/**
 * Scrubs token shapes (keys, JWTs, PEM blocks, webhook URLs, URL credentials) and the values of
 * secret `key=value` pairs and "password is X" phrases from free text (events, logs, messages).
 * Idempotent; names that merely contain a secret word (auth-service) are left alone.
 */
export function redactText(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  return hideSecretPairs(hideTokens(text));
}

/** True when an env var with this name and value must not be shown. */
export function isSecretEnv(name: string, value: string): boolean {
  if (SECRET_NAME.test(name)) return true;
  return redactText(value) !== value;
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function redactContainer(container: unknown): void {
  if (!isRecord(container)) return;
  if (Array.isArray(container.env)) {
    for (const env of container.env) {
      if (!isRecord(env) || typeof env.value !== "string") continue;
      const name = typeof env.name === "string" ? env.name : "";
      env.value = isSecretEnv(name, env.value) ? REDACTED : env.value;
    }
  }
  for (const field of ["command", "args"] as const) {
    const list = container[field];
    if (Array.isArray(list)) {
      container[field] = list.map((item) => (typeof item === "string" ? redactText(item) : item));
    }
  }
}

function redactPodSpec(spec: unknown): void {
  if (!isRecord(spec)) return;
  for (const field of ["containers", "initContainers", "ephemeralContainers"] as const) {
    const list = spec[field];
    if (Array.isArray(list)) for (const container of list) redactContainer(container);
  }
}

/** Pod specs inside an object: a Pod's own, a workload's template, a CronJob's job template. */
function podSpecs(object: Json): unknown[] {
  const spec = object.spec;
  if (!isRecord(spec)) return [];
  const specs: unknown[] = [];
  if (Array.isArray(spec.containers)) specs.push(spec);
  if (isRecord(spec.template)) specs.push(spec.template.spec);
  const jobTemplate = spec.jobTemplate;
  if (isRecord(jobTemplate) && isRecord(jobTemplate.spec) && isRecord(jobTemplate.spec.template)) {
    specs.push(jobTemplate.spec.template.spec);
  }
  return specs;
}

function redactMessages(status: unknown): void {
  if (!isRecord(status)) return;
  if (typeof status.message === "string") status.message = redactText(status.message);
  for (const field of ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"]) {
    const list = status[field];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isRecord(item)) continue;
      for (const stateField of ["state", "lastState"]) {
        const state = item[stateField];
        if (!isRecord(state)) continue;
        for (const detail of Object.values(state)) {
          if (isRecord(detail) && typeof detail.message === "string")
            detail.message = redactText(detail.message);
        }
      }
    }
  }
}

/**
 * Redacts an object in place and returns it. Cheaper than {@link redactObject}; the reader uses it
 * on freshly parsed responses that nobody else holds.
 */
export function redactObjectInPlace<T extends KubeObject>(object: T): T {
  const meta = object.metadata;
  if (isRecord(meta)) {
    // Field ownership bookkeeping: kept (trimmed) only where the change timeline reads it.
    trimManagedFields(object, object.kind);
    const annotations = meta.annotations;
    if (isRecord(annotations)) {
      delete annotations[LAST_APPLIED];
      for (const [key, value] of Object.entries(annotations)) {
        if (typeof value === "string") annotations[key] = redactText(value);
      }
    }
  }
  const kind = object.kind;
  if (kind === "Secret") {
    // Metadata only, whatever the server sent.
    delete object.data;
    delete object.stringData;
    return object;
  }
  if (kind === "ConfigMap") {
    for (const field of ["data", "binaryData"]) {
      const data = object[field];
      if (!isRecord(data)) continue;
      for (const key of Object.keys(data)) data[key] = REDACTED;
    }
    return object;
  }
  if (kind === "Event") {
    const event = object as Json;
    if (typeof event.message === "string") event.message = redactText(event.message);
    if (typeof event.note === "string") event.note = redactText(event.note);
    return object;
  }
  for (const spec of podSpecs(object as Json)) redactPodSpec(spec);
  redactMessages(object.status);
  return object;
}

/** A redacted deep copy of a Kubernetes object (the input is left untouched). */
export function redactObject<T extends KubeObject>(object: T): T {
  return redactObjectInPlace(structuredClone(object));
}
