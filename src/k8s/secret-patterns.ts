/**
 * What a secret looks like in free text, shared by the read path's redaction (k8s/redact) and the
 * agent's scrubbing (agent/scrub): token shapes that are secret wherever they appear, and
 * `key=value` / "password is X" forms whose *key* says the value is secret.
 *
 * Keys are judged by their last word, so a key that *holds* a secret (`DB_PASSWORD`,
 * `clientSecret`, `x-auth-token`) is hidden while names that merely contain such a word
 * (`auth-service`, `oauth2-proxy`, `token-exchange`, `secret-store-csi`, `passwordless-login`)
 * come through unchanged.
 */

/** What every hidden value becomes. */
export const REDACTED = "[REDACTED]";

/**
 * Token shapes that are secret wherever they appear. Each replaces the whole match except where a
 * capture group keeps a harmless prefix (URL user and host, "Bearer").
 */
export const TOKEN_PATTERNS: readonly [RegExp, string][] = [
  // PEM blocks (private keys, PGP key blocks, certificates), including one cut off by a log tail;
  // also with escaped newlines, as in a GCP service-account key file's "private_key".
  [/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(?:-----END \1-----|$)/g, REDACTED],
  // JWTs: header.payload.signature, base64url, header always starts with eyJ ('{"').
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{4,}/g, REDACTED],
  // OpenAI/Anthropic-style keys; Stripe secret, restricted and webhook-signing keys.
  [/\bsk-[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}/g, REDACTED],
  [/\bwhsec_[A-Za-z0-9]{8,}/g, REDACTED],
  // Slack bot/user/app/config tokens, and incoming-webhook / workflow URLs (the path is the key).
  [/\bxox[abposr]-[A-Za-z0-9-]{8,}/g, REDACTED],
  [/\bxapp-[A-Za-z0-9-]{8,}/g, REDACTED],
  [/\b(https?:\/\/hooks\.slack\.com\/)(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/gi, `$1${REDACTED}`],
  // Discord and Microsoft Teams / Office 365 webhook URLs.
  [/\b(https?:\/\/(?:[\w-]+\.)?discord(?:app)?\.com\/api\/webhooks\/)[\w/-]+/gi, `$1${REDACTED}`],
  [
    /\b(https?:\/\/[\w.-]*(?:webhook\.office\.com|logic\.azure\.com)[^\s"']*?\/)[^\s"'/]{16,}/gi,
    `$1${REDACTED}`,
  ],
  // GitHub, GitLab, npm, PyPI, DigitalOcean tokens.
  [/\bgh[pousr]_[A-Za-z0-9]{16,}/g, REDACTED],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, REDACTED],
  [/\b(?:glpat|npm|pypi)-[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\bdo[por]_v1_[a-f0-9]{32,}/g, REDACTED],
  // AWS access key ids (long-term and STS).
  [/\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, REDACTED],
  // Google: API keys, OAuth access tokens, OAuth client secrets.
  [/\bAIza[0-9A-Za-z_-]{30,}/g, REDACTED],
  [/\bya29\.[0-9A-Za-z_-]{20,}/g, REDACTED],
  [/\bGOCSPX-[0-9A-Za-z_-]{20,}/g, REDACTED],
  // Azure storage / Service Bus connection strings and SAS signatures.
  [/\b((?:AccountKey|SharedAccessKey|SharedAccessSignature)=)[^;\s"']+/gi, `$1${REDACTED}`],
  [
    /([?&](?:sig|signature|X-Amz-Signature|X-Goog-Signature|X-Amz-Security-Token)=)[^&\s"']+/gi,
    `$1${REDACTED}`,
  ],
  // Credentials in URLs: scheme://user:password@host keeps the user, hides the password.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*):[^\s@/'"]+@/gi, `$1:${REDACTED}@`],
  // HTTP auth headers; the credential has a digit, capital or symbol ("Basic authentication" stays).
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g, `Bearer ${REDACTED}`],
  [/\bBasic\s+(?=[a-z]*[A-Z0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}/g, `Basic ${REDACTED}`],
];

/**
 * Cheap screen run before the full pattern set: every pattern needs one of these substrings, and
 * most cluster text (event messages, annotations) has none of them, so a 50k-event snapshot pays
 * one scan per string instead of two dozen.
 */
export const MAYBE_SECRET =
  /-----BEGIN|eyJ|sk-|sk_|rk_|whsec_|xox|xapp-|hooks\.|webhook|gh[pousr]_|github_pat_|glpat-|npm-|pypi-|_v1_|AKIA|ASIA|ABIA|ACCA|AIza|ya29\.|GOCSPX-|AccountKey|SharedAccess|sig=|signature=|Security-Token|:\/\/[^\s/@]*:|Bearer|Basic|pass|pwd|secret|token|key|credential|auth|cookie|session|dsn/i;

/** Last words that make a key's value secret on their own. */
const SECRET_LAST_WORDS = new Set([
  "password",
  "passwd",
  "pwd",
  "passphrase",
  "secret",
  "token",
  "apikey",
  "credential",
  "credentials",
  "cookie",
  "dsn",
]);

/** Words that, before `key` or `id`, make it a secret key (`api_key`, `private_key_id`). */
const KEY_QUALIFIERS = new Set([
  "api",
  "access",
  "private",
  "secret",
  "signing",
  "encryption",
  "account",
  "master",
  "client",
  "license",
  "shared",
  "service",
  "app",
  "webhook",
]);

/** Keys that name or point at a secret rather than hold one (`secretName`, `secretKeyRef`). */
const REFERENCE_LAST_WORDS = new Set([
  "name",
  "names",
  "ref",
  "refs",
  "kind",
  "type",
  "path",
  "mode",
  "seconds",
  "file",
  "enabled",
  "affinity",
  "id",
]);

/** The words of a key: `DB_PASSWORD` → db, password; `clientSecret` → client, secret. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * True when a key such as `DB_PASSWORD`, `apiKey`, `client_secret`, `x-auth-token` or
 * `private_key_id` names a secret value; false for names that only contain such a word
 * (`auth-service`, `token-exchange`, `secretName`, `passwordless-login`).
 */
export function isSecretKeyName(key: string): boolean {
  const words = keyWords(key);
  const last = words.at(-1);
  const before = words.at(-2);
  if (!last) return false;
  if (SECRET_LAST_WORDS.has(last)) return true;
  // db_pass, REDIS_PASS (but not a bare "pass", which is ordinary English).
  if (last === "pass" && before) return true;
  // "auth": docker config's base64 user:password, basic_auth, proxy-auth; not dex-auth, kube-auth.
  if (last === "auth") return !before || before === "basic" || before === "proxy" || before === "http";
  if (last === "key" && before && KEY_QUALIFIERS.has(before)) return true;
  // private_key_id, access_key_id: the id of a cloud key is part of the credential.
  if (last === "id" && before === "key" && KEY_QUALIFIERS.has(words.at(-3) ?? "")) return true;
  if (last === "string" && before && /^conn(ection)?$/.test(before)) return true;
  if (last === "connstr") return true;
  if (REFERENCE_LAST_WORDS.has(last)) return false;
  return false;
}

/**
 * Status words that follow "token is …" or "password: …" in ordinary diagnostics ("token is
 * expired", "password: missing"); they are not the secret and hiding them would hide the cause.
 */
const NOT_A_VALUE = new Set([
  "missing",
  "expired",
  "invalid",
  "incorrect",
  "wrong",
  "required",
  "empty",
  "unset",
  "set",
  "not",
  "null",
  "none",
  "nil",
  "undefined",
  "valid",
  "correct",
  "present",
  "absent",
  "revoked",
  "rotated",
  "mounted",
  "configured",
  "provided",
  "needed",
  "used",
  "being",
  "too",
  "still",
  "already",
  "now",
  "the",
  "a",
  "an",
  "ok",
  "true",
  "false",
  "enabled",
  "disabled",
  "found",
  "failed",
  "denied",
  "rejected",
  "refused",
  "stale",
  "unknown",
  "malformed",
  "redacted",
]);

/** True when the value after a secret key is a word of the diagnosis, not the secret. */
export function isStatusWord(value: string): boolean {
  return NOT_A_VALUE.has(value.toLowerCase().replace(/[.!)]+$/, ""));
}

/**
 * `key=value` / `key: value` / `"key": "value"` pairs (DB_PASSWORD=…, token: …, "apiKey":"…").
 * Groups: 1 the key with its separator (kept), 2 the key, 3 the value. The regex only finds keys
 * that end in a candidate word (cheap on ordinary text); {@link isSecretKeyName} decides.
 */
export const SECRET_PAIR =
  /(\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|passphrase|pass|secret|token|key|id|credentials?|cookie|dsn|auth|string|connstr))["']?[ \t]*[:=][ \t]*)("[^"\n]*"|'[^'\n]*'|[^\s,;&"'}\]]+)/gi;

/** "the password is hunter2", "secret was s3cr3t", "api key = abc": phrases in prose and logs. */
export const SECRET_PHRASE =
  /\b(password|passwd|passphrase|secret|token|api[ _-]?key|access[ _-]?key)(\s+(?:is|was|=|:)\s+)("[^"\n]*"|'[^'\n]*'|[^\s,;"']+)/gi;

function hideValue(head: string, value: string): string {
  const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : "";
  return `${head}${quote}${REDACTED}${quote}`;
}

function alreadyHidden(value: string): boolean {
  return /^["']?\[?REDACTED/.test(value);
}

/** Hides values of pairs and phrases whose key names a secret. */
export function hideSecretPairs(text: string): string {
  const pairs = text.replace(SECRET_PAIR, (match, head: string, key: string, value: string) => {
    if (!isSecretKeyName(key) || alreadyHidden(value)) return match;
    // URLs and host:port are separators inside a value, not pairs (`auth-service.svc:8080`).
    if (/^\/\//.test(value)) return match;
    if (!/^["']/.test(value) && isStatusWord(value)) return match;
    return hideValue(head, value);
  });
  return pairs.replace(SECRET_PHRASE, (match, word: string, sep: string, value: string) => {
    if (alreadyHidden(value)) return match;
    if (!/^["']/.test(value) && isStatusWord(value)) return match;
    return hideValue(`${word}${sep}`, value);
  });
}

/** Applies every token shape. */
export function hideTokens(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
