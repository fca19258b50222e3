import { env } from "../config/env.js";
import type { ClusterReader } from "../k8s/reader.js";
import { type AgentConfig, agentConfigFromEnv, DEFAULT_AGENT_CONFIG } from "./config.js";
import { SecretRegistry } from "./secrets.js";

/** The effective config: environment (when it parses) under explicit overrides. */
export function resolveConfig(overrides: Partial<AgentConfig> = {}): AgentConfig {
  try {
    return agentConfigFromEnv(env(), overrides);
  } catch {
    // A bad unrelated variable must not stop an investigation; the model path just needs a key.
    return { ...DEFAULT_AGENT_CONFIG, ...overrides };
  }
}

/** A secret registry primed with the env values of the namespace's workloads and pods. */
export async function primedSecrets(
  reader: ClusterReader,
  namespace: string,
  signal?: AbortSignal,
): Promise<SecretRegistry> {
  const secrets = new SecretRegistry();
  await secrets.harvestNamespace(reader, namespace === "*" ? undefined : namespace, signal);
  return secrets;
}
