import type { KubeObject } from "../domain/kube.js";
import { isSecretEnv } from "./redact.js";

/** Same notion of "not worth hiding" as the agent's registry: short or trivial values. */
const TRIVIAL = /^(true|false|yes|no|\d+(\.\d+)?)$/i;

type Env = { name?: unknown; value?: unknown };

function podSpecsOf(object: KubeObject): unknown[] {
  const spec = object.spec as Record<string, unknown> | undefined;
  const template = spec?.template as { spec?: unknown } | undefined;
  const job = spec?.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined;
  return [spec, template?.spec, job?.spec?.template?.spec];
}

/**
 * Literal secret values a reader has seen in env vars (before it redacted them), so a log line
 * that prints one (`configured with key sk_live_…`, `password Hunter2-…`) is scrubbed too: pattern
 * redaction cannot know an arbitrary password, but the pod spec that sets it does. Per reader, in
 * memory only, never written anywhere.
 */
export class KnownSecrets {
  private readonly values = new Set<string>();

  /** Learns the secret env values of an object's containers; call before redacting it. */
  learn(object: KubeObject): void {
    for (const podSpec of podSpecsOf(object)) {
      if (!podSpec || typeof podSpec !== "object") continue;
      const { containers, initContainers } = podSpec as { containers?: unknown; initContainers?: unknown };
      for (const list of [containers, initContainers]) {
        if (!Array.isArray(list)) continue;
        for (const container of list as { env?: Env[] }[]) {
          for (const env of container?.env ?? []) {
            if (typeof env.name !== "string" || typeof env.value !== "string") continue;
            const value = env.value.trim();
            if (value.length < 6 || TRIVIAL.test(value) || !isSecretEnv(env.name, value)) continue;
            // A URL without credentials is an address, not a secret: it names Services in logs.
            if (/^[a-z][a-z0-9+.-]*:\/\/[^@/\s]+(?:[/?#]\S*)?$/i.test(value)) continue;
            this.values.add(value);
          }
        }
      }
    }
  }

  /** Replaces every known value, longest first so a value containing another is hidden whole. */
  scrub(text: string, replacement: string): string {
    if (this.values.size === 0) return text;
    let out = text;
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      if (out.includes(value)) out = out.split(value).join(replacement);
    }
    return out;
  }
}
