import type { KubeObject } from "../domain/kube.js";
import { trimManagedFields } from "./managed-fields.js";

/**
 * Redaction of secret-like values before anything leaves the read path (snapshots, evidence
 * files, Claude tool results, Slack messages). It errs on the side of hiding: a redacted harmless
 * value costs a little context, a leaked token costs an incident.
 */

/** What every hidden value becomes. */
export const REDACTED = "[REDACTED]";

/** Annotation kubectl writes on `apply`: a full copy of the manifest, env values included. */
export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Env var names whose value is hidden whatever it looks like. */
const SECRET_NAME = /pass|secret|token|key|credential|auth|dsn|url|conn|cert|private|session|cookie/i;

/**
 * Token shapes that are secret wherever they appear. Each replaces the whole match except where a
 * capture group keeps a harmless prefix (URL user, "Bearer").
 */
const TOKEN_PATTERNS: readonly [RegExp, string][] = [
  // PEM private (and any other) keys, including unterminated ones cut by a log tail.
  [/-----BEGIN [A-Z0-9 ]*KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*KEY-----|$)/g, REDACTED],
  // JWTs: header.payload.signature, base64url, header always starts with eyJ ('{"').
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, REDACTED],
  // OpenAI/Anthropic-style keys.
  [/\bsk-[A-Za-z0-9_-]{16,}/g, REDACTED],
  // Slack bot/user/app/config tokens.
  [/\bxox[abposr]-[A-Za-z0-9-]{8,}/g, REDACTED],
  [/\bxapp-[A-Za-z0-9-]{8,}/g, REDACTED],
  // GitHub tokens (classic and fine-grained).
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, REDACTED],
  // AWS access key ids (long-term and STS).
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
  // Google API keys.
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, REDACTED],
  // Credentials in URLs: scheme://user:password@host keeps the user, hides the password.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*):[^\s@/'"]+@/gi, `$1:${REDACTED}@`],
  // HTTP auth headers.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
];

/**
 * `key=value` / `key: value` pairs whose key names a secret (DB_PASSWORD=…, token: …,
 * "apiKey":"…"). The key and separator are kept so the reader still sees what was there.
 */
const SECRET_PAIR =
  /(\b[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}]+)/gi;

/**
 * Cheap screen run before the full pattern set: every pattern above needs one of these
 * substrings, and most cluster text (event messages, annotations) has none of them, so a 50k-event
 * snapshot pays one scan per string instead of a dozen.
 */
const MAYBE_SECRET =
  /-----BEGIN|eyJ|sk-|xox|xapp-|gh[pousr]_|github_pat_|AKIA|ASIA|AIza|:\/\/[^\s/@]*:|Bearer|Basic|pass|pwd|secret|token|key|credential/i;

/** Scrubs token shapes and secret `key=value` pairs from free text (events, logs, messages). */
export function redactText(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
  return out.replace(SECRET_PAIR, (_match, key: string, value: string) => {
    if (value === REDACTED || value.startsWith("[REDACTED")) return `${key}${value}`;
    const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : "";
    return `${key}${quote}${REDACTED}${quote}`;
  });
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
