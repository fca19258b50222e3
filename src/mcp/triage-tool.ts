import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { anyGlob } from "../config/glob.js";
import { namespaceName } from "../domain/actions.js";
import type { Snapshot, TriageResult } from "../domain/types.js";
import { errorMessage, TriageError } from "../errors.js";
import { collectSnapshot } from "../k8s/collect.js";
import { closestNames } from "../k8s/namespaces.js";
import { triage } from "../triage/index.js";
import type { McpContext } from "./context.js";
import { investigationUri } from "./investigations.js";
import { READ_ONLY } from "./read-tools.js";
import { dataResult, errorResult } from "./results.js";
import { triageView } from "./views.js";

/** The triage JSON is the multi-step workflow in one call: it may use a few tool results' worth. */
export const TRIAGE_CAP_FACTOR = 4;

/** What a client that wants a fix is told: approvals happen in Slack, where the gates apply. */
export const HOW_TO_APPLY =
  "This server is read-only and never changes the cluster. To apply a proposal, approve it in Slack: run `/triage <namespace>` there (or open the investigation's thread) and press Approve on its card; the catalog, policy, dry-run and approver checks run there.";

/** A refusal the client caused (outside the policy, unknown namespace): an error result, never a crash. */
export class McpInputError extends TriageError {}

/** Refuses namespaces outside the policy's globs, before anything is read. */
export function assertAllowedNamespace(context: McpContext, namespace: string): void {
  if (!anyGlob(context.policy.namespaces, namespace)) {
    throw new McpInputError(
      "NAMESPACE_NOT_ALLOWED",
      `namespace '${namespace}' is outside the namespaces this server may read (policy: ${context.policy.namespaces.join(", ")})`,
    );
  }
}

/** A namespace that does not exist is worth a suggestion, not an empty triage. */
function assertNamespaceExists(snapshot: Snapshot, namespace: string): void {
  if (snapshot.gaps.some((gap) => gap.resource === "namespaces")) return;
  const names = snapshot.namespaces.map((ns) => ns.metadata.name ?? "").filter(Boolean);
  if (names.length === 0 || names.includes(namespace) || snapshot.pods.length > 0) return;
  const close = closestNames(namespace, names);
  throw new McpInputError(
    "NAMESPACE_NOT_FOUND",
    `namespace '${namespace}' does not exist${close.length ? `; did you mean ${close.map((n) => `'${n}'`).join(", ")}?` : ""}`,
  );
}

/** Collects a snapshot of one namespace with the reader identity and runs the deterministic engine. */
export async function runTriage(
  context: McpContext,
  namespace: string,
  signal: AbortSignal,
): Promise<TriageResult> {
  assertAllowedNamespace(context, namespace);
  const snapshot = await collectSnapshot(context.reader, { namespace }, { signal });
  assertNamespaceExists(snapshot, namespace);
  const result = triage(snapshot, { namespace });
  result.stats.apiRequests = snapshot.requestCount;
  return result;
}

/** An error result for anything a tool throws: client problems say what to fix, others say what failed. */
export function failure(error: unknown, context: McpContext): CallToolResult {
  const prefix = error instanceof McpInputError ? "" : "the triage failed: ";
  return errorResult(`${prefix}${errorMessage(error)}`, context.scrubber);
}

type TriageBody = ReturnType<typeof triageView> & {
  investigationId: string;
  uri: string;
  howToApply: string;
};

/** Ever smaller renderings: evidence lines and affected objects kept per cause, indentation. */
const COMPACTIONS = [
  { evidence: 3, affected: 10, indent: 2 },
  { evidence: 3, affected: 10, indent: 0 },
  { evidence: 1, affected: 0, indent: 0 },
];

/**
 * The triage as JSON that stays parseable within `maxChars`: a big namespace first loses its
 * symptom lists, then evidence and affected objects beyond the first few per cause (counted; the
 * full record stays readable as the run's resource). Only what still does not fit gets cut.
 */
export function fitTriage(body: TriageBody, maxChars: number): string {
  const whole = JSON.stringify(body, null, 2);
  if (whole.length <= maxChars) return whole;
  let text = whole;
  for (const level of COMPACTIONS) {
    const compact = {
      ...body,
      symptoms: body.symptoms.map((symptom) => ({ class: symptom.class, count: symptom.resources.length })),
      rootCauses: body.rootCauses.map((cause) => ({
        ...cause,
        affected: cause.affected.slice(0, level.affected),
        affectedCount: cause.affected.length,
        evidence: cause.evidence.slice(0, level.evidence),
        evidenceCount: cause.evidence.length,
      })),
      compacted: `shortened to fit: read ${body.uri} for every symptom, affected object and evidence line`,
    };
    text = JSON.stringify(compact, null, level.indent);
    if (text.length <= maxChars) break;
  }
  return text;
}

/** Registers `triage`: root causes, evidence and proposals of a namespace, as data. */
export function registerTriageTool(server: McpServer, context: McpContext): void {
  server.registerTool(
    "triage",
    {
      description:
        "Triage one namespace with the deterministic engine: control-plane health, blast radius, root causes (the cause, not the symptom) with verbatim evidence, and catalog remediation proposals with their exact change. Read-only; proposals are data, never executed. The run is kept as an investigation resource.",
      inputSchema: z.object({ namespace: namespaceName.describe("Namespace to triage, e.g. prod-api") }),
      annotations: READ_ONLY,
    },
    async ({ namespace }, extra) => {
      try {
        await context.scrubber.prime(namespace, extra.signal);
        const result = await runTriage(context, namespace, extra.signal);
        const run = context.catalog.recordLocal(result, context.now());
        context.announce({ type: "created", id: run.id });
        const tokenCap = context.resultTokenCap * TRIAGE_CAP_FACTOR;
        const body = fitTriage(
          {
            investigationId: run.id,
            uri: investigationUri(run.id),
            ...triageView(result),
            howToApply: HOW_TO_APPLY,
          },
          // Room for the wrapper and for redaction markers longer than what they replace.
          tokenCap * 4 - 500,
        );
        return dataResult("triage", body, context.scrubber, {
          tokenCap,
          narrowHint: "Use get_events, describe or pod_logs on one root cause's resource for more.",
          // Built from the reader's redacted snapshot (log and event quotes were redacted as read):
          // token shapes and known values only, so ids like `missing-secret:…` survive.
          structured: true,
        });
      } catch (error) {
        return failure(error, context);
      }
    },
  );
}
