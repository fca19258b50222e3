import { anyGlob } from "../config/glob.js";
import type { Policy } from "../config/policy.js";
import type { RemediationProposal } from "../domain/actions.js";
import type { Trigger } from "../domain/investigation.js";
import type { RcaReport } from "../domain/rca.js";
import type { TriageResult } from "../domain/types.js";
import { errorMessage } from "../errors.js";
import type { ClusterReader } from "../k8s/reader.js";
import { log as rootLog } from "../log.js";
import type { PrometheusClient } from "../prometheus/index.js";
import { investigationBrief } from "./brief.js";
import { offerable, withChanges } from "./changes.js";
import type { AgentConfig } from "./config.js";
import { startDeadline } from "./deadline.js";
import { rcaFromTriage } from "./fallback.js";
import { createClient, runToolLoop } from "./loop.js";
import { loadPrompt } from "./prompts.js";
import { type DryRun, mergeProposals, vetModelRemediations } from "./proposals.js";
import { checkEvidenceSources, type SubmittedRca, submitRcaSchema } from "./rca-schema.js";
import { primedSecrets, resolveConfig } from "./runtime.js";
import { scrubValue } from "./scrub.js";
import { investigationTools } from "./tools/index.js";
import { toolCallLabel } from "./tools/labels.js";

/** What the queue worker hands the agent for one investigation. */
export interface InvestigateInput {
  reader: ClusterReader;
  triage: TriageResult;
  trigger: Trigger;
  policy: Policy;
  /** Server-side dry-run with the executor identity; proposals that fail it are dropped. */
  dryRun?: (proposal: RemediationProposal) => Promise<{ ok: boolean; message: string }>;
  signal?: AbortSignal;
  config?: Partial<AgentConfig>;
  /** Offered to the model as the bounded `prometheus_query` tool when set. */
  prometheus?: PrometheusClient;
}

/** The `submit_rca` tool: the schema plus the check that evidence cites real calls. */
export const SUBMIT_RCA = {
  name: "submit_rca",
  description:
    'Hand in the root-cause analysis. Call exactly once, when done. Evidence must cite tool_use ids of calls in this conversation or "triage".',
  schema: submitRcaSchema,
  check: checkEvidenceSources,
};

/**
 * Investigates with Claude and ALWAYS returns an RCA: the model's when it answers validly within
 * its bounds, else the deterministic one from the triage with `fallbackReason` saying why.
 */
export async function investigateWithModel(input: InvestigateInput): Promise<RcaReport> {
  return offerable(await investigate(input), input.policy);
}

async function investigate(input: InvestigateInput): Promise<RcaReport> {
  const config = resolveConfig(input.config);
  if (!config.apiKey)
    return rcaFromTriage(input.triage, "no ANTHROPIC_API_KEY is set; deterministic analysis only");
  const namespace = input.trigger.namespace || input.triage.namespace;
  if (namespace !== "*" && !anyGlob(input.policy.namespaces, namespace)) {
    // Every read would be refused; the model could only guess.
    return rcaFromTriage(input.triage, `namespace '${namespace}' is outside the policy's namespaces`);
  }
  const log = rootLog.child({ component: "agent", namespace });
  const deadline = startDeadline(config.timeoutMs, input.signal);
  const { signal } = deadline;
  try {
    const secrets = await primedSecrets(input.reader, namespace, signal);
    const result = await runToolLoop({
      client: createClient(config),
      config,
      system: loadPrompt("system"),
      firstUser: secrets.scrub(investigationBrief(input.triage, { ...input.trigger, namespace })),
      tools: investigationTools({ prometheus: input.prometheus !== undefined }),
      final: SUBMIT_RCA,
      context: {
        reader: input.reader,
        namespace,
        policy: input.policy,
        signal,
        secrets,
        ...(input.dryRun ? { dryRun: input.dryRun } : {}),
        ...(input.prometheus ? { prometheus: input.prometheus } : {}),
      },
      maxIterations: config.maxIterations,
      log,
    });
    if (!result.ok) {
      log.warn("model investigation fell back", { reason: result.reason });
      return { ...rcaFromTriage(input.triage, result.reason), usage: result.usage };
    }
    const report = withSourceLabels(
      await reportFromModel(result.value, input, namespace, signal),
      result.calls,
    );
    log.info("model investigation complete", {
      rootCauses: report.rootCauses.length,
      proposals: report.proposals.length,
      dropped: report.dropped.length,
      ...result.usage,
    });
    return { ...report, usage: result.usage };
  } catch (error) {
    log.error("model investigation failed", { error: errorMessage(error) });
    return rcaFromTriage(input.triage, `the model investigation failed: ${errorMessage(error)}`);
  } finally {
    deadline.dispose();
  }
}

/** Each quote's source in words ("logs of pod X, previous container") instead of a tool-use id. */
function withSourceLabels(
  report: RcaReport,
  calls: Record<string, { name: string; input: unknown }>,
): RcaReport {
  const rootCauses = report.rootCauses.map((cause) => ({
    ...cause,
    evidence: cause.evidence.map((evidence) => {
      const call = calls[evidence.source];
      return call ? { ...evidence, label: toolCallLabel(call.name, call.input) } : evidence;
    }),
  }));
  return { ...report, rootCauses };
}

/** The model's RCA with its remediations vetted and merged with the deterministic proposals. */
async function reportFromModel(
  rca: SubmittedRca,
  input: InvestigateInput,
  namespace: string,
  signal: AbortSignal,
): Promise<RcaReport> {
  const dryRun: DryRun | undefined = input.dryRun;
  const vetted = await vetModelRemediations({
    rca,
    triageCauses: input.triage.rootCauses,
    namespace,
    policy: input.policy,
    reader: input.reader,
    signal,
    ...(dryRun ? { dryRun } : {}),
  });
  const merged = await mergeProposals({
    deterministic: input.triage.remediations,
    model: vetted.proposals,
    rca,
    triageCauses: input.triage.rootCauses,
    policy: input.policy,
    namespace,
    ...(dryRun ? { dryRun } : {}),
  });
  // The model never saw a secret, but its text goes to Slack: scan it once more anyway.
  const text = scrubValue({
    summary: rca.summary,
    rootCauses: rca.rootCauses,
    hypothesesRejected: rca.hypothesesRejected,
    dangerousAssumption: rca.dangerousAssumption,
    validationPlan: rca.validationPlan,
  }) as Pick<
    SubmittedRca,
    "summary" | "rootCauses" | "hypothesesRejected" | "dangerousAssumption" | "validationPlan"
  >;
  return withChanges(
    {
      source: "model",
      summary: text.summary,
      severity: rca.severity,
      rootCauses: text.rootCauses,
      hypothesesRejected: text.hypothesesRejected,
      dangerousAssumption: text.dangerousAssumption,
      proposals: merged.proposals,
      dropped: [...vetted.dropped, ...merged.dropped],
      validationPlan: text.validationPlan,
      confidence: rca.confidence,
    },
    input.triage,
  );
}
