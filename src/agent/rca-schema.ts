import { z } from "zod";
import { ACTION_TYPES } from "../domain/actions.js";
import { ROOT_CAUSE_CATEGORIES } from "../domain/types.js";

/**
 * The input schema of `submit_rca`: the RCA the model hands in. Remediations are deliberately
 * loose here (any action name, any params) so an unsafe suggestion is not an invalid RCA: each one
 * is checked afterwards against the catalog, the policy, the namespace and a dry-run, and lands
 * in `dropped` with the reason when it fails.
 */

const ref = z.object({
  kind: z.string().min(1).max(64),
  namespace: z.string().max(63),
  name: z.string().min(1).max(253),
});

export const evidenceSchema = z.object({
  quote: z.string().min(1).max(1000),
  source: z.string().min(1).max(100).describe('tool_use id or "triage"'),
});

export const rcaRootCauseSchema = z.object({
  category: z.enum([...ROOT_CAUSE_CATEGORIES, "other"]),
  name: z.string().min(1).max(200),
  summary: z.string().min(1).max(1500),
  resource: ref.describe("the object at fault (workload, not pods)"),
  affected: z.array(ref).max(100).default([]),
  evidence: z.array(evidenceSchema).min(1).max(20),
  confidence: z.number().min(0).max(1),
});

export const modelRemediationSchema = z.object({
  action: z
    .string()
    .min(1)
    .max(64)
    .describe(`One of the catalog actions: ${ACTION_TYPES.join(", ")}`),
  target: ref,
  params: z.record(z.string(), z.unknown()).default({}),
  rootCause: z.string().max(200).optional().describe("name of the cause it fixes"),
  summary: z.string().max(500).optional(),
});

export const submitRcaSchema = z.object({
  summary: z.string().min(1).max(2000),
  severity: z.enum(["P1", "P2", "P3", "P4"]),
  rootCauses: z.array(rcaRootCauseSchema).max(10),
  confidence: z.number().min(0).max(1),
  hypothesesRejected: z
    .array(z.object({ hypothesis: z.string().min(1).max(500), reason: z.string().min(1).max(1000) }))
    .max(20)
    .default([]),
  dangerousAssumption: z.string().min(1).max(1000),
  remediations: z.array(modelRemediationSchema).max(10).default([]),
  validationPlan: z.array(z.string().min(1).max(500)).min(1).max(15),
});

export type SubmittedRca = z.output<typeof submitRcaSchema>;
export type ModelRemediation = z.output<typeof modelRemediationSchema>;

/**
 * Semantic checks zod cannot express: every evidence source must be a tool call that happened in
 * this conversation (or "triage"), so the model cannot cite evidence it never read.
 */
export function checkEvidenceSources(rca: SubmittedRca, knownCallIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  rca.rootCauses.forEach((cause, i) => {
    cause.evidence.forEach((item, j) => {
      if (item.source !== "triage" && !knownCallIds.has(item.source)) {
        problems.push(
          `rootCauses.${i}.evidence.${j}.source: '${item.source}' is not a tool_use id of this investigation (use one of: ${[...knownCallIds].join(", ") || "none"}, or "triage")`,
        );
      }
    });
  });
  return problems;
}

export const validationVerdictSchema = z.object({
  verdict: z.enum(["resolved", "partially-resolved", "not-resolved"]),
  criteria: z
    .array(z.object({ criterion: z.string().min(1).max(500), met: z.boolean(), evidence: evidenceSchema }))
    .min(1)
    .max(20),
  summary: z.string().min(1).max(1500),
});
export type SubmittedValidation = z.output<typeof validationVerdictSchema>;

export const followUpAnswerSchema = z.object({
  answer: z.string().min(1).max(4000),
  evidence: z.array(evidenceSchema).max(20).default([]),
});
export type SubmittedAnswer = z.output<typeof followUpAnswerSchema>;
