/**
 * The agent's last line of defence before anything is sent to the model: the read path already
 * redacts, but a value that slipped through (a token in a log line, a password in an annotation)
 * must still never leave the process. Structured redaction runs on objects before they are
 * printed; the text scan runs on every string that goes into a request.
 */
import { REDACTED, redactText } from "../k8s/redact.js";
import { hideTokens, isSecretKeyName } from "../k8s/secret-patterns.js";

export { REDACTED };

/**
 * Scrubs token shapes only (API keys, JWTs, PEM blocks, webhook URLs, bearer and URL
 * credentials). Safe on structured text such as YAML, where `key: value` matching would hide
 * references like `secretName: db-credentials` that the diagnosis needs; structured values were
 * already redacted field by field.
 */
export function scrubTokens(text: string): string {
  return hideTokens(text);
}

/**
 * Scrubs secret-looking values from free text: token shapes, values of secret-named keys and
 * "password is X" phrases. Names that contain a secret word (auth-service, oauth2-proxy,
 * token-exchange) survive. Idempotent.
 */
export function scrubText(text: string): string {
  return redactText(text);
}

/** True when a key such as `DB_PASSWORD` or `apiKey` names a secret value (not `secretName`). */
export function isSensitiveKey(key: string): boolean {
  return isSecretKeyName(key);
}

/**
 * Applies `scrub` to every string of a value (a deep copy; keys and shape are kept). Used for
 * the model's own final answer, with the investigation's registry of known secret values.
 */
export function mapStrings<T>(value: T, scrub: (text: string) => string): T {
  if (typeof value === "string") return scrub(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, scrub)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, mapStrings(inner, scrub)]),
    ) as T;
  }
  return value;
}

/**
 * Deep-copies a value, redacting what must never reach the model: every container env `value`
 * (env values are configuration the model does not need and often secrets), values under
 * secret-looking keys, Secret `data`/`stringData`, ConfigMap `data` values, and every remaining
 * string through the text scan.
 */
export function scrubValue(value: unknown, parentKey = ""): unknown {
  if (typeof value === "string") return isSensitiveKey(parentKey) ? REDACTED : scrubText(value);
  if (Array.isArray(value)) {
    if (parentKey === "env") return value.map(scrubEnvVar);
    return value.map((item) => scrubValue(item, parentKey));
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if ((key === "data" || key === "stringData" || key === "binaryData") && isPlainObject(inner)) {
        out[key] = Object.fromEntries(Object.keys(inner).map((k) => [k, REDACTED]));
      } else if (isSensitiveKey(key) && typeof inner === "string") {
        out[key] = REDACTED;
      } else {
        out[key] = scrubValue(inner, key);
      }
    }
    return out;
  }
  return value;
}

function scrubEnvVar(entry: unknown): unknown {
  if (!isPlainObject(entry)) return scrubValue(entry);
  const copy = scrubValue(entry) as Record<string, unknown>;
  if ("value" in copy) copy.value = REDACTED;
  return copy;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
