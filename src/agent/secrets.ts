import type { KubeObject } from "../domain/kube.js";
import type { ClusterReader } from "../k8s/reader.js";
import { isSensitiveKey, REDACTED } from "./scrub.js";

/**
 * Literal values the agent has seen in env vars. Pattern-based redaction cannot know that
 * `whsec_q8…` is a secret, but once the value is known from a pod spec, every later occurrence
 * (a log line that prints it, an event message) is replaced. Per investigation, in memory only.
 */
export class SecretRegistry {
  private readonly values = new Set<string>();

  /** Registers a value; short or trivial ones (info, true, 8080) would redact ordinary text. */
  add(value: string, sensitiveName = false): void {
    const trimmed = value.trim();
    if (trimmed.length < (sensitiveName ? 4 : 8)) return;
    if (/^(true|false|yes|no|\d+(\.\d+)?)$/i.test(trimmed)) return;
    this.values.add(trimmed);
  }

  /** Collects env literal values from an object's containers (pod spec or pod template). */
  harvest(object: KubeObject): void {
    for (const container of containersOf(object)) {
      for (const env of container.env ?? []) {
        if (typeof env.value === "string")
          this.add(env.value, isSensitiveKey(env.name) || /key|sign|pass|token/i.test(env.name));
      }
    }
  }

  /** Harvests the workloads and pods of a namespace up front, so even the first turn is covered. */
  async harvestNamespace(
    reader: ClusterReader,
    namespace: string | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    for (const plural of ["pods", "deployments", "statefulsets", "daemonsets", "cronjobs", "jobs"]) {
      try {
        const items = await reader.list(plural, {
          ...(namespace ? { namespace } : {}),
          ...(signal ? { signal } : {}),
        });
        for (const item of items) this.harvest(item);
      } catch {
        // Unreadable kinds just contribute nothing; pattern redaction still applies.
      }
    }
  }

  /** Replaces every known value, longest first so a value containing another is hidden whole. */
  scrub(text: string): string {
    let out = text;
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    return out;
  }

  get size(): number {
    return this.values.size;
  }
}

interface EnvHolder {
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
