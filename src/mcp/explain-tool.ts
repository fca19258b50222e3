import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { scrubValue } from "../agent/scrub.js";
import { resolveKind } from "../agent/tools/kinds.js";
import { namespaceName, type RemediationProposal } from "../domain/actions.js";
import type { KubeObject } from "../domain/kube.js";
import { errorMessage } from "../errors.js";
import { buildRequest } from "../remediation/catalog.js";
import { gateProposal } from "../remediation/gate.js";
import type { McpContext } from "./context.js";
import { READ_ONLY } from "./read-tools.js";
import { dataResult } from "./results.js";
import { assertAllowedNamespace, failure, HOW_TO_APPLY, McpInputError, runTriage } from "./triage-tool.js";
import { proposalView } from "./views.js";

/** A local triage younger than this answers `explain_proposal` without collecting again. */
const FRESH_TRIAGE_MS = 5 * 60_000;

const input = z.object({
  proposalId: z
    .string()
    .min(1)
    .max(300)
    .describe("A proposal id from triage or an investigation, e.g. rollback:prod-api/payment-service"),
  namespace: namespaceName.optional().describe("Namespace of the proposal (when no investigationId)"),
  investigationId: z.string().min(1).max(100).optional().describe("Investigation the proposal belongs to"),
});

interface Found {
  proposal: RemediationProposal;
  namespace: string;
  slackLink?: string;
}

/** The proposal from the named investigation, else from this namespace's latest (or a fresh) triage. */
async function findProposal(
  context: McpContext,
  args: z.output<typeof input>,
  signal: AbortSignal,
): Promise<Found> {
  if (args.investigationId) {
    const found = await context.catalog.proposal(args.investigationId, args.proposalId);
    if (!found) {
      throw new McpInputError(
        "PROPOSAL_NOT_FOUND",
        `investigation ${args.investigationId} has no proposal '${args.proposalId}' (or it is unknown or expired)`,
      );
    }
    return found;
  }
  if (!args.namespace) {
    throw new McpInputError("USAGE", "give the proposal's namespace or its investigationId");
  }
  assertAllowedNamespace(context, args.namespace);
  const latest = context.catalog.latestLocal(args.namespace);
  const fresh = latest && context.now().getTime() - Date.parse(latest.ranAt) < FRESH_TRIAGE_MS;
  const result = fresh ? latest.triage : await runTriage(context, args.namespace, signal);
  const proposal = result.remediations.find((candidate) => candidate.id === args.proposalId);
  if (!proposal) {
    const known = result.remediations.map((candidate) => candidate.id);
    throw new McpInputError(
      "PROPOSAL_NOT_FOUND",
      `no proposal '${args.proposalId}' in ${args.namespace}; current proposals: ${known.join(", ") || "none"}`,
    );
  }
  return { proposal, namespace: args.namespace };
}

/** The one request the executor would send, built from the target as it is now; never sent. */
async function exactRequest(context: McpContext, proposal: RemediationProposal, signal: AbortSignal) {
  const kind = resolveKind(proposal.target.kind);
  const current: KubeObject | undefined = kind
    ? await context.reader.get(kind.plural, proposal.target.name, proposal.target.namespace, signal)
    : undefined;
  const replicaSets =
    proposal.action === "rollback"
      ? await context.reader.list("replicasets", { namespace: proposal.target.namespace, signal })
      : undefined;
  try {
    const request = buildRequest(proposal, current, {
      now: context.now().toISOString(),
      ...(replicaSets ? { replicaSets } : {}),
    });
    // A rollback carries a whole pod template: its env values are redacted like any object.
    return { request: { ...request, body: scrubValue(request.body) } };
  } catch (error) {
    return { refusal: `the executor would refuse it against the current object: ${errorMessage(error)}` };
  }
}

/** Registers `explain_proposal`: exactly what a proposal would change, and where to approve it. */
export function registerExplainTool(server: McpServer, context: McpContext): void {
  server.registerTool(
    "explain_proposal",
    {
      description:
        "Show exactly what a remediation proposal would change: the field-by-field change, the one Kubernetes request the executor would send (built from the target as it is now), its risk, and whether the policy allows it. Never executes anything; approval happens in Slack.",
      inputSchema: input,
      annotations: READ_ONLY,
    },
    async (args, extra) => {
      try {
        const found = await findProposal(context, args, extra.signal);
        const { proposal } = found;
        assertAllowedNamespace(context, proposal.target.namespace);
        const verdict = gateProposal(proposal, context.policy, {
          investigatedNamespace: found.namespace,
          mode: "manual",
        });
        const body = {
          proposal: proposalView(proposal),
          change: proposal.change,
          ...(await exactRequest(context, proposal, extra.signal)),
          preconditions: scrubValue(proposal.preconditions),
          policy: verdict.allow ? { allowed: true } : { allowed: false, reason: verdict.reason },
          executed: false,
          howToApply: HOW_TO_APPLY,
          ...(found.slackLink ? { slackLink: found.slackLink } : {}),
        };
        return dataResult("explain_proposal", JSON.stringify(body, null, 2), context.scrubber, {
          tokenCap: context.resultTokenCap,
          narrowHint: "Use get_resource on the target for the whole object.",
          structured: true,
        });
      } catch (error) {
        return failure(error, context);
      }
    },
  );
}
