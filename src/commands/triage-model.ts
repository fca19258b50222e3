import { rcaFromTriage } from "../agent/fallback.js";
import { loadPolicy } from "../config/policy.js";
import type { RcaReport } from "../domain/rca.js";
import type { TriageResult } from "../domain/types.js";
import { errorMessage } from "../errors.js";
import type { ClusterReader } from "../k8s/reader.js";

/**
 * Claude in the CLI: the same investigation loop the worker runs, over the same read-only reader
 * (a live cluster's, or the in-process simulated API serving a state file). With --no-llm, or
 * without ANTHROPIC_API_KEY, the deterministic RCA is returned and says why. Model errors (429, 529,
 * timeouts, invalid answers) end in the deterministic RCA with the reason, never in a crash.
 */
export async function cliRca(input: {
  reader: ClusterReader;
  result: TriageResult;
  namespace: string;
  noLlm: boolean;
}): Promise<RcaReport> {
  if (input.noLlm) return rcaFromTriage(input.result, "--no-llm was given");
  if (!process.env.ANTHROPIC_API_KEY) return rcaFromTriage(input.result, "no ANTHROPIC_API_KEY is set");
  let policy: ReturnType<typeof loadPolicy>;
  try {
    policy = loadPolicy(process.env.TRIAGE_POLICY_FILE);
  } catch (error) {
    return rcaFromTriage(input.result, `the policy file could not be read: ${errorMessage(error)}`);
  }
  // Loaded only when Claude is asked: the SDK and the loop cost start-up time every other run.
  const { investigateWithModel } = await import("../agent/index.js");
  return investigateWithModel({
    reader: input.reader,
    triage: input.result,
    trigger: { source: "cli", namespace: input.namespace, receivedAt: input.result.collectedAt },
    policy,
  });
}
