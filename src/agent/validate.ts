import type { Policy } from "../config/policy.js";
import type { RemediationProposal } from "../domain/actions.js";
import type { ExecutionOutcome, Trigger, ValidationOutcome } from "../domain/investigation.js";
import type { Workload } from "../domain/kube.js";
import type { RcaReport } from "../domain/rca.js";
import type { ResourceRef } from "../domain/types.js";
import { errorMessage } from "../errors.js";
import type { ClusterReader } from "../k8s/reader.js";
import type { PrometheusClient } from "../prometheus/index.js";
import { rcaDigest } from "./brief.js";
import type { AgentConfig } from "./config.js";
import { runFocusedLoop } from "./focused-loop.js";
import { type SubmittedValidation, validationVerdictSchema } from "./rca-schema.js";
import { wrapUntrusted } from "./result-text.js";
import { resolveConfig } from "./runtime.js";
import { scrubText, scrubTokens } from "./scrub.js";
import { resolveKind } from "./tools/kinds.js";

/** What a validation investigation needs: the RCA (with its plan) and what was executed. */
export interface ValidateInput {
  reader: ClusterReader;
  rca: RcaReport;
  trigger: Trigger;
  policy: Policy;
  /** The remediation that was applied, and how its execution went. */
  executed?: { proposal: RemediationProposal; outcome?: ExecutionOutcome };
  signal?: AbortSignal;
  config?: Partial<AgentConfig>;
  /** Offered as the bounded `prometheus_query` tool when set. */
  prometheus?: PrometheusClient;
}

export const SUBMIT_VALIDATION = {
  name: "submit_validation",
  description:
    "Hand in the verdict: every criterion of the plan, whether it is met, and the evidence (tool_use id).",
  schema: validationVerdictSchema,
  check: (value: SubmittedValidation, known: ReadonlySet<string>) =>
    value.criteria
      .filter((c) => !known.has(c.evidence.source))
      .map(
        (c) =>
          `evidence for '${c.criterion.slice(0, 80)}' cites '${c.evidence.source}', which is not a tool_use id of this conversation`,
      ),
};

function brief(input: ValidateInput): string {
  const executed = input.executed
    ? `Applied: ${input.executed.proposal.id} — ${input.executed.proposal.change}${input.executed.outcome ? ` (${input.executed.outcome.status}: ${input.executed.outcome.message})` : ""}`
    : "Applied: (not recorded)";
  return scrubTokens(
    [
      `Validate the fix of the incident in namespace '${input.trigger.namespace}'.`,
      wrapUntrusted("rca", `${rcaDigest(input.rca)}\n${scrubText(executed)}`),
      "Check each criterion of the validation plan with the tools, then call submit_validation.",
    ].join("\n\n"),
  );
}

/**
 * A focused model loop that checks the validation plan after a remediation. Falls back to a
 * deterministic readiness check of the workloads named in the RCA when the model is unavailable.
 */
export async function validateWithModel(input: ValidateInput): Promise<ValidationOutcome> {
  const config = resolveConfig(input.config);
  if (!config.apiKey) return readinessCheck(input, "no ANTHROPIC_API_KEY is set");
  try {
    const result = await runFocusedLoop({
      config,
      reader: input.reader,
      namespace: input.trigger.namespace,
      policy: input.policy,
      ...(input.signal ? { signal: input.signal } : {}),
      prompt: "validation",
      brief: brief(input),
      final: SUBMIT_VALIDATION,
      component: "agent-validate",
      ...(input.prometheus ? { prometheus: input.prometheus } : {}),
    });
    if (!result.ok) return readinessCheck(input, result.reason);
    const value = result.value;
    return {
      verdict: value.verdict,
      evidence: [
        scrubText(value.summary),
        ...value.criteria.map((c) =>
          scrubText(`${c.met ? "met" : "NOT met"}: ${c.criterion} — "${c.evidence.quote}"`),
        ),
      ],
      checkedAt: new Date().toISOString(),
      source: "model",
      usage: result.usage,
    };
  } catch (error) {
    return readinessCheck(input, `the model validation failed: ${errorMessage(error)}`);
  }
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

/** Deterministic fallback: are the workloads the RCA names fully ready now? */
async function readinessCheck(input: ValidateInput, fallbackReason: string): Promise<ValidationOutcome> {
  const refs = new Map<string, ResourceRef>();
  const add = (ref: ResourceRef) => {
    if (WORKLOAD_KINDS.has(ref.kind)) refs.set(`${ref.kind}/${ref.namespace}/${ref.name}`, ref);
  };
  for (const cause of input.rca.rootCauses) [cause.resource, ...cause.affected].forEach(add);
  if (input.executed) add(input.executed.proposal.target);
  const evidence: string[] = [];
  let ready = 0;
  for (const ref of refs.values()) {
    try {
      const kind = resolveKind(ref.kind);
      const object = kind
        ? ((await input.reader.get(kind.plural, ref.name, ref.namespace, input.signal)) as
            | Workload
            | undefined)
        : undefined;
      if (!object) {
        evidence.push(`${ref.kind} ${ref.namespace}/${ref.name} not found`);
        continue;
      }
      const desired = object.status?.desiredNumberScheduled ?? object.spec?.replicas ?? 1;
      const have = object.status?.readyReplicas ?? object.status?.numberReady ?? 0;
      if (have >= desired) ready++;
      evidence.push(`${ref.kind} ${ref.namespace}/${ref.name}: ${have}/${desired} ready`);
    } catch (error) {
      evidence.push(`${ref.kind} ${ref.namespace}/${ref.name}: could not read (${errorMessage(error)})`);
    }
  }
  const verdict: ValidationOutcome["verdict"] =
    refs.size > 0 && ready === refs.size ? "resolved" : ready > 0 ? "partially-resolved" : "not-resolved";
  if (refs.size === 0)
    evidence.push("no workload named in the RCA to check; the validation plan needs a human");
  return { verdict, evidence, checkedAt: new Date().toISOString(), source: "deterministic", fallbackReason };
}
