/**
 * The agent's last line of defence before anything is sent to the model: the read path already
 * redacts, but a value that slipped through (a token in a log line, a password in an annotation)
 * must still never leave the process. Structured redaction runs on objects before they are
 * printed; the text scan runs on every string that goes into a request.
 */
import { REDACTED, redactText } from "../k8s/redact.js";

export { REDACTED };

const SENSITIVE_KEY =
  /(pass(word|wd)?|secret|token|api[-_]?key|apikey|private[-_]?key|credential|auth|session|cookie|dsn|conn(ection)?[-_]?str)/i;

/** Token shapes worth catching anywhere in free text. */
const TOKEN_PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\bsk-(live|test|proj|ant)?[-_]?[A-Za-z0-9_-]{8,}/g,
  /\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{16,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\bxapp-[A-Za-z0-9-]{10,}/g,
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\b(glpat|npm|pypi)-[A-Za-z0-9_-]{16,}/g,
  // Stripe-style secret, restricted and webhook-signing keys.
  /\b(sk|rk)_(live|test)_[A-Za-z0-9]{8,}/g,
  /\bwhsec_[A-Za-z0-9]{8,}/g,
];

/** `key=value`, `key: value`, `"key": "value"` where the key names a secret. */
const KEY_VALUE =
  /(\b([\w.-]*(?:pass(?:word|wd)?|secret|token|api[-_]?key|apikey|private[-_]?key|credential|auth)[\w.-]*)["']?[ \t]*[:=][ \t]*)("[^"\n]*"|'[^'\n]*'|[^\s,;&"'}\]]+)/gi;

/** `Authorization: Bearer xyz`, `Basic xyz`. */
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Credentials in URLs: `scheme://user:password@host`. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;

/**
 * Scrubs token shapes only (API keys, JWTs, private keys, bearer and URL credentials). Safe on
 * structured text such as YAML, where `key: value` matching would cross lines and hide names
 * like `secretName: db-credentials` that the diagnosis needs; structured values were already
 * redacted field by field.
 */
export function scrubTokens(text: string): string {
  let out = text;
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, REDACTED);
  out = out.replace(BEARER, (_match, scheme: string) => `${scheme} ${REDACTED}`);
  return out.replace(
    URL_CREDENTIALS,
    (_m, head: string, _secret: string, at: string) => `${head}${REDACTED}${at}`,
  );
}

/** Root-cause categories (`missing-secret:`) and references (`secretName:`) are not secrets. */
const NOT_A_SECRET_KEY = /^(missing-|[\w.-]*(name|names|ref|kind|type|path|mode|seconds|file)$)/i;

/** Scrubs secret-looking values from free text: the read path's redaction, then ours. Idempotent. */
export function scrubText(text: string): string {
  let out = scrubTokens(redactText(text));
  out = out.replace(KEY_VALUE, (match, head: string, key: string, value: string) =>
    NOT_A_SECRET_KEY.test(key) || value.includes(REDACTED) || /^["']?\[?REDACTED/.test(value)
      ? match
      : `${head}${REDACTED}`,
  );
  return out;
}

/** Keys that name or point at a secret rather than hold one (`secretName`, `secretKeyRef`). */
const REFERENCE_KEY = /(name|names|ref|kind|type|path|mode|seconds|file|enabled|affinity|affinityconfig)$/i;

/** True when a key such as `DB_PASSWORD` or `apiKey` names a secret value. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key) && !REFERENCE_KEY.test(key);
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
