import { z } from "zod";
import { ACTION_TYPES } from "../../domain/actions.js";
import { vetOne } from "../proposals.js";
import { type AgentTool, defineTool, ToolInputError } from "./registry.js";

/**
 * Lets the model test a remediation before proposing it: the same checks a submitted RCA goes
 * through (catalog, namespace, policy, server-side dry-run). It never applies anything.
 */
export const dryRunAction: AgentTool = defineTool({
  name: "dry_run_action",
  description: `Check a catalog remediation (${ACTION_TYPES.join(", ")}) against the catalog schema, the policy and the target namespace, then dry-run it server-side. Never applies.`,
  input: z.object({
    action: z.string().min(1).max(64),
    target: z.object({
      kind: z.string().min(1).max(64),
      namespace: z.string().max(63),
      name: z.string().min(1).max(253),
    }),
    params: z.record(z.string(), z.unknown()).default({}),
  }),
  async run(input, ctx) {
    const result = await vetOne(input, "dry-run", ctx);
    if (!result.ok) throw new ToolInputError(`rejected: ${result.reason}`);
    const p = result.proposal;
    return `accepted: ${p.id}\nrisk: ${p.risk}\nchange: ${p.change}\ndry-run: ${ctx.dryRun ? result.dryRun : "not available here (catalog and policy checks passed)"}`;
  },
});
