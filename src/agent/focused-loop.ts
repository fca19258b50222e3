import type { Policy } from "../config/policy.js";
import type { ClusterReader } from "../k8s/reader.js";
import { log as rootLog } from "../log.js";
import type { PrometheusClient } from "../prometheus/index.js";
import { type AgentConfig, FOCUSED_ITERATIONS } from "./config.js";
import { startDeadline } from "./deadline.js";
import { createClient, type FinalTool, type LoopResult, runToolLoop } from "./loop.js";
import { loadPrompt, type PromptName } from "./prompts.js";
import { primedSecrets } from "./runtime.js";
import { readOnlyTools } from "./tools/index.js";

/** What a short, single-purpose model loop (validation, follow-up question) needs. */
export interface FocusedLoopInput<T> {
  config: AgentConfig;
  reader: ClusterReader;
  namespace: string;
  policy: Policy;
  signal?: AbortSignal;
  /** Prompt file in src/agent/prompts (without .md). */
  prompt: PromptName;
  /** The first user turn, before secret scrubbing. */
  brief: string;
  final: FinalTool<T>;
  /** Log component name. */
  component: string;
  /** Offered as the bounded `prometheus_query` tool when set. */
  prometheus?: PrometheusClient;
}

/**
 * The read-only tool loop with the focused iteration cap: same tools, secret priming and
 * deadline as an investigation, but its own prompt and final tool. Throws only on setup failures;
 * the caller maps both those and `ok: false` results to its deterministic fallback.
 */
export async function runFocusedLoop<T>(input: FocusedLoopInput<T>): Promise<LoopResult<T>> {
  const { config, namespace } = input;
  const deadline = startDeadline(config.timeoutMs, input.signal);
  const { signal } = deadline;
  try {
    const secrets = await primedSecrets(input.reader, namespace, signal);
    return await runToolLoop({
      client: createClient(config),
      config,
      system: loadPrompt(input.prompt),
      firstUser: secrets.scrub(input.brief),
      tools: readOnlyTools({ prometheus: input.prometheus !== undefined }),
      final: input.final,
      context: {
        reader: input.reader,
        namespace,
        policy: input.policy,
        signal,
        secrets,
        ...(input.prometheus ? { prometheus: input.prometheus } : {}),
      },
      maxIterations: Math.min(config.maxIterations, FOCUSED_ITERATIONS),
      log: rootLog.child({ component: input.component, namespace }),
    });
  } finally {
    deadline.dispose();
  }
}
