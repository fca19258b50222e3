import type { Env } from "../config/env.js";
import type { Policy } from "../config/policy.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import type { FollowUpHandler } from "./deps.js";

/**
 * The follow-up answerer for @mentions in a thread, when a model is configured: the agent's
 * `answerFollowUp` over a read-only cluster reader (the worker's own, or one loaded lazily from
 * KUBECONFIG). The worker runs it for `follow-up` jobs; serve only enqueues them.
 */
export function modelFollowUp(
  env: Env,
  policy: Policy,
  logger: Logger,
  existingReader?: import("../k8s/reader.js").ClusterReader,
  prometheus?: import("../prometheus/index.js").PrometheusClient,
): FollowUpHandler | undefined {
  if (!env.ANTHROPIC_API_KEY) return undefined;
  let reader: Promise<import("../k8s/reader.js").ClusterReader> | undefined = existingReader
    ? Promise.resolve(existingReader)
    : undefined;
  const readerFor = async () => {
    reader ??= (async () => {
      const { loadKubeConfig } = await import("../k8s/kubeconfig.js");
      const { createClusterReader } = await import("../k8s/kube-reader.js");
      return createClusterReader(
        loadKubeConfig({
          ...(env.KUBECONFIG ? { kubeconfig: env.KUBECONFIG } : {}),
          ...(env.KUBE_CONTEXT ? { context: env.KUBE_CONTEXT } : {}),
        }),
      );
    })();
    return reader;
  };
  return async ({ investigation, question }) => {
    if (!investigation.rca)
      return "The analysis of this incident is not finished yet; ask again once the RCA is posted.";
    try {
      const { answerFollowUp, agentConfigFromEnv } = await import("../agent/index.js");
      const answer = await answerFollowUp({
        reader: await readerFor(),
        rca: investigation.rca,
        ...(investigation.triage ? { triage: investigation.triage } : {}),
        trigger: investigation.trigger,
        policy,
        question,
        config: agentConfigFromEnv(env),
        ...(prometheus ? { prometheus } : {}),
      });
      const sources = answer.evidence.map((item) => `> ${item.quote} (${item.source})`).join("\n");
      return sources ? `${answer.answer}\n\n${sources}` : answer.answer;
    } catch (error) {
      logger.warn("follow-up failed", { error: errorMessage(error) });
      return `I could not answer that: ${errorMessage(error)}`;
    }
  };
}
