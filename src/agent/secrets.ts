import type { KubeObject } from "../domain/kube.js";
import type { ClusterReader } from "../k8s/reader.js";
import { isSecretEnv } from "../k8s/redact.js";
import { isSensitiveKey, REDACTED } from "./scrub.js";

/**
 * Literal values the agent has seen in env vars. Pattern-based redaction cannot know that
 * `whsec_q8…` is a secret, but once the value is known from a pod spec, every later occurrence
 * (a log line that prints it, an event message) is replaced. Per investigation, in memory only.
 */
export class SecretRegistry {
  private readonly values = new Set<string>();
  /** Names of objects and containers seen: never treated as secrets (that would hide the diagnosis). */
  private readonly names = new Set<string>();

  /** Registers a value as secret; trivial ones (true, 8080) and short ones would hide ordinary text. */
  add(value: string): void {
    const trimmed = value.trim();
    if (trimmed.length < 6 || /^(true|false|yes|no|\d+(\.\d+)?)$/i.test(trimmed)) return;
    this.values.add(trimmed);
  }

  /**
   * Collects secret-looking env literal values from an object's containers: values of variables
   * whose name says secret (PASSWORD, TOKEN, KEY, SIGNING, URL…) or that look like random tokens.
   * Ordinary configuration (LOG_LEVEL=info, SERVICE_NAME=user-service) is left alone: it is
   * redacted in the object itself but may legitimately appear elsewhere as a name.
   */
  harvest(object: KubeObject): void {
    if (object.metadata?.name) this.names.add(object.metadata.name);
    for (const container of containersOf(object)) {
      if (container.name) this.names.add(container.name);
      for (const env of container.env ?? []) {
        if (typeof env.value !== "string") continue;
        const secretName =
          isSecretEnv(env.name, env.value) || isSensitiveKey(env.name) || /sign|key|pass/i.test(env.name);
        if (secretName || looksLikeToken(env.value)) this.add(env.value);
      }
    }
  }

  /** Harvests the workloads and pods of a namespace up front, so even the first turn is covered. */
  async harvestNamespace(
    reader: ClusterReader,
    namespace: string | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    const plurals = ["pods", "deployments", "statefulsets", "daemonsets", "cronjobs", "jobs"];
    const lists = await Promise.all(
      plurals.map((plural) =>
        reader
          .list(plural, { ...(namespace ? { namespace } : {}), ...(signal ? { signal } : {}) })
          // Unreadable kinds contribute nothing; pattern redaction still applies.
          .catch(() => [] as KubeObject[]),
      ),
    );
    for (const item of lists.flat()) this.harvest(item);
  }

  /** Replaces every known value, longest first so a value containing another is hidden whole. */
  scrub(text: string): string {
    let out = text;
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      if (this.names.has(value)) continue;
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    return out;
  }

  get size(): number {
    return this.values.size;
  }
}

/** Long, unbroken, letters and digits mixed: an API key or password more than a word or a host. */
function looksLikeToken(value: string): boolean {
  return (
    value.length >= 20 &&
    !/\s/.test(value) &&
    /[A-Za-z]/.test(value) &&
    /\d/.test(value) &&
    !/^[a-z0-9.-]+$/.test(value)
  );
}

interface EnvHolder {
  name?: string;
  env?: { name: string; value?: string }[];
}

function containersOf(object: KubeObject): EnvHolder[] {
  const spec = object.spec as Record<string, unknown> | undefined;
  const podSpecs: unknown[] = [
    spec,
    (spec?.template as { spec?: unknown } | undefined)?.spec,
    (spec?.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined)?.spec?.template?.spec,
  ];
  const out: EnvHolder[] = [];
  for (const podSpec of podSpecs) {
    if (!podSpec || typeof podSpec !== "object") continue;
    const p = podSpec as { containers?: unknown; initContainers?: unknown };
    for (const list of [p.containers, p.initContainers]) {
      if (Array.isArray(list)) out.push(...(list as EnvHolder[]));
    }
  }
  return out;
}
