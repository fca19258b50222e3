import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ACTION_TYPES } from "../domain/actions.js";
import { ConfigError } from "../errors.js";

const risk = z.enum(["low", "medium", "high"]);
const globs = z.array(z.string().min(1)).min(1);
/** Cluster globs (`["eu-*"]`) scoping a rule to some clusters; absent = every cluster. */
const clusterGlobs = globs.optional();

/** Event/alert selector in the spirit of a RemediationPolicy; every given field must match. */
export const selectorSchema = z
  .object({
    type: z.enum(["Warning", "Normal"]).optional(),
    reason: z.string().min(1).optional(),
    kind: z.string().min(1).optional(),
    namespace: z.string().min(1).optional(),
    /** Regular expression tested against the event message (or alert summary). */
    message: z
      .string()
      .min(1)
      .refine((value) => {
        try {
          new RegExp(value);
          return true;
        } catch {
          return false;
        }
      }, "must be a valid regular expression")
      .optional(),
    category: z.string().min(1).optional(),
  })
  .strict();

export const policySchema = z
  .object({
    namespaces: globs.default(["*"]),
    incidentChannels: z.array(z.string().min(1)).default([]),
    routes: z
      .array(
        z
          .object({
            namespaces: globs,
            channel: z.string().min(1),
            notifyOnStart: z.boolean().default(true),
            notifyOnComplete: z.boolean().default(true),
            clusters: clusterGlobs,
          })
          .strict(),
      )
      .default([]),
    approvers: z
      .array(
        z
          .object({
            namespaces: globs.default(["*"]),
            channels: z.array(z.string().min(1)).optional(),
            users: z.array(z.string().min(1)).default([]),
            groups: z.array(z.string().min(1)).default([]),
            clusters: clusterGlobs,
          })
          .strict(),
      )
      .default([]),
    remediation: z
      .object({
        allowedActions: z.array(z.union([z.literal("*"), z.enum(ACTION_TYPES)])).default(["*"]),
        maxRisk: risk.default("medium"),
        /** Risks for which the requester may not approve their own proposal. */
        distinctApproverFor: z.array(risk).default(["high"]),
        approvalTtlMinutes: z
          .number()
          .int()
          .positive()
          .max(24 * 60)
          .default(30),
        /** Roll back automatically when validation fails (else propose the rollback for approval). */
        autoRollback: z.boolean().default(false),
        validationTimeoutSeconds: z.number().int().positive().max(3600).default(300),
        /**
         * How long validation criteria must keep holding (no restarts, no new Warning events).
         * Long enough to see a container that dies after warming up (an OOM under load).
         */
        settleSeconds: z.number().int().min(0).max(600).default(120),
        /**
         * Offer live patches of Argo CD/Flux-managed objects (with the warning that the controller
         * reverts them unless sync is suspended). Default: no; the fix is shown as a Git patch.
         */
        gitOpsLivePatch: z.boolean().default(false),
      })
      .strict()
      .default({
        allowedActions: ["*"],
        maxRisk: "medium",
        distinctApproverFor: ["high"],
        approvalTtlMinutes: 30,
        autoRollback: false,
        validationTimeoutSeconds: 300,
        settleSeconds: 120,
        gitOpsLivePatch: false,
      }),
    automatic: z
      .array(
        z
          .object({
            selector: selectorSchema,
            mode: z.enum(["manual", "automatic"]).default("manual"),
            confidenceThreshold: z.number().min(0).max(1).default(0.9),
            maxRiskLevel: risk.default("low"),
            channel: z.string().min(1).optional(),
            eventsPerMinute: z.number().int().positive().optional(),
            cooldownMinutes: z.number().nonnegative().optional(),
            clusters: clusterGlobs,
          })
          .strict(),
      )
      .default([]),
    /** The cluster a channel's `/triage` goes to when the command names none (many clusters). */
    channels: z
      .array(z.object({ channel: z.string().min(1), cluster: z.string().min(1) }).strict())
      .default([]),
    /**
     * Per-cluster overrides, first match wins: the namespaces triage may run in and the
     * remediation limits (merged over the top-level ones) of the clusters matching `clusters`.
     */
    clusterPolicies: z
      .array(
        z
          .object({
            clusters: globs,
            namespaces: globs.optional(),
            remediation: z
              .object({
                allowedActions: z.array(z.union([z.literal("*"), z.enum(ACTION_TYPES)])).optional(),
                maxRisk: risk.optional(),
                distinctApproverFor: z.array(risk).optional(),
                approvalTtlMinutes: z
                  .number()
                  .int()
                  .positive()
                  .max(24 * 60)
                  .optional(),
                autoRollback: z.boolean().optional(),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .default([]),
    rateLimiting: z
      .object({
        eventsPerMinute: z.number().int().positive().default(5),
        cooldownMinutes: z.number().nonnegative().default(15),
      })
      .strict()
      .default({ eventsPerMinute: 5, cooldownMinutes: 15 }),
  })
  .strict();

/** The parsed policy file. */
export type Policy = z.infer<typeof policySchema>;
export type Selector = z.infer<typeof selectorSchema>;

/** With no policy file: triage anywhere, nobody may approve, nothing automatic. */
export function defaultPolicy(): Policy {
  return policySchema.parse({});
}

/** Parses policy YAML text; errors name the offending key path. */
export function parsePolicy(text: string, source = "policy"): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError("POLICY_YAML", `${source}: not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  - ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new ConfigError("POLICY_INVALID", `${source} is invalid:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

/** Loads the policy file, or the default policy when no path is given. */
export function loadPolicy(path: string | undefined): Policy {
  if (!path) return defaultPolicy();
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      "POLICY_UNREADABLE",
      `cannot read policy file ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return parsePolicy(text, path);
}
