import type { Policy } from "../config/policy.js";
import type { Trigger } from "../domain/investigation.js";
import type { ModelUsage, RcaEvidence, RcaReport } from "../domain/rca.js";
import type { TriageResult } from "../domain/types.js";
import { errorMessage } from "../errors.js";
import type { ClusterReader } from "../k8s/reader.js";
import type { PrometheusClient } from "../prometheus/index.js";
import { rcaDigest, triageDigest } from "./brief.js";
import type { AgentConfig } from "./config.js";
import { runFocusedLoop } from "./focused-loop.js";
import { followUpAnswerSchema, type SubmittedAnswer } from "./rca-schema.js";
import { wrapUntrusted } from "./result-text.js";
import { resolveConfig } from "./runtime.js";
import { scrubText, scrubTokens } from "./scrub.js";

/** One earlier question and answer in the thread. */
export interface FollowUpTurn {
  question: string;
  answer: string;
}

export interface FollowUpInput {
  reader: ClusterReader;
  /** The stored RCA of the incident. */
  rca: RcaReport;
  triage?: TriageResult;
  trigger: Trigger;
  policy: Policy;
  question: string;
  /** Earlier Q&A in the thread, oldest first (the newest few are sent). */
  history?: FollowUpTurn[];
  signal?: AbortSignal;
  config?: Partial<AgentConfig>;
  /** Offered as the bounded `prometheus_query` tool when set. */
  prometheus?: PrometheusClient;
}

/** An answer for the thread. */
export interface FollowUpAnswer {
  answer: string;
  evidence: RcaEvidence[];
  source: "model" | "deterministic";
  fallbackReason?: string;
  usage?: ModelUsage;
}

const STORED_SOURCES = new Set(["rca", "triage"]);
const MAX_HISTORY = 6;

export const SUBMIT_ANSWER = {
  name: "submit_answer",
  description: 'Hand in the answer to the question, with evidence citing tool_use ids, "rca" or "triage".',
  schema: followUpAnswerSchema,
  check: (value: SubmittedAnswer, known: ReadonlySet<string>) =>
    value.evidence
      .filter((e) => !known.has(e.source) && !STORED_SOURCES.has(e.source))
      .map(
        (e) => `evidence source '${e.source}' is not a tool_use id of this conversation, "rca" or "triage"`,
      ),
};

function brief(input: FollowUpInput): string {
  const history = (input.history ?? [])
    .slice(-MAX_HISTORY)
    .map((turn) => scrubText(`Q: ${turn.question.slice(0, 1000)}\nA: ${turn.answer.slice(0, 2000)}`))
    .join("\n\n");
  return scrubTokens(
    [
      `Incident in namespace '${input.trigger.namespace}'. Stored analysis:`,
      wrapUntrusted("rca", rcaDigest(input.rca)),
      ...(input.triage ? [wrapUntrusted("triage", triageDigest(input.triage))] : []),
      ...(history ? ["Earlier in this thread:", wrapUntrusted("thread", history)] : []),
      "The engineer's question:",
      wrapUntrusted("question", scrubText(input.question.slice(0, 2000))),
      "Answer it (use tools if fresh facts are needed), then call submit_answer.",
    ].join("\n\n"),
  );
}

/** Answers a free-text question in an incident thread; falls back to the stored RCA's summary. */
export async function answerFollowUp(input: FollowUpInput): Promise<FollowUpAnswer> {
  const config = resolveConfig(input.config);
  if (!config.apiKey) return fallback(input, "no ANTHROPIC_API_KEY is set");
  try {
    const result = await runFocusedLoop({
      config,
      reader: input.reader,
      namespace: input.trigger.namespace,
      policy: input.policy,
      ...(input.signal ? { signal: input.signal } : {}),
      prompt: "follow-up",
      brief: brief(input),
      final: SUBMIT_ANSWER,
      component: "agent-follow-up",
      ...(input.prometheus ? { prometheus: input.prometheus } : {}),
    });
    if (!result.ok) return { ...fallback(input, result.reason), usage: result.usage };
    return {
      answer: scrubText(result.value.answer),
      evidence: result.value.evidence.map((e) => ({ quote: scrubText(e.quote), source: e.source })),
      source: "model",
      usage: result.usage,
    };
  } catch (error) {
    return fallback(input, `the model failed: ${errorMessage(error)}`);
  }
}

function fallback(input: FollowUpInput, reason: string): FollowUpAnswer {
  const causes = input.rca.rootCauses.map((c) => `• ${c.category}: ${c.summary}`).join("\n");
  return {
    answer: `I can't answer free-text questions right now (${reason}). From the stored analysis: ${input.rca.summary}${causes ? `\n${causes}` : ""}`,
    evidence: input.rca.rootCauses.flatMap((c) => c.evidence.slice(0, 2)),
    source: "deterministic",
    fallbackReason: reason,
  };
}
