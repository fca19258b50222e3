import type { z } from "zod";
import { anyGlob } from "../../config/glob.js";
import type { Policy } from "../../config/policy.js";
import type { RemediationProposal } from "../../domain/actions.js";
import type { ClusterReader } from "../../k8s/reader.js";
import type { PrometheusClient } from "../../prometheus/index.js";
import type { SecretRegistry } from "../secrets.js";
import { advertisedSchema } from "./schema.js";

/** What a tool may use: the read-only reader, the investigation's scope, the injected dry-run. */
export interface ToolContext {
  reader: ClusterReader;
  /** The investigated namespace ("*" for all). */
  namespace: string;
  policy: Policy;
  signal: AbortSignal;
  dryRun?: (proposal: RemediationProposal) => Promise<{ ok: boolean; message: string }>;
  /** Env values seen so far; tools register what they read, the loop scrubs them from results. */
  secrets?: SecretRegistry;
  /** The bounded PromQL client, when PROMETHEUS_URL is set (the `prometheus_query` tool needs it). */
  prometheus?: PrometheusClient;
}

/** A tool failure the model should see (bad input, not found, outside scope): never a crash. */
export class ToolInputError extends Error {}

/** One tool as the loop sees it: a JSON schema for the API and a runner over raw input. */
export interface AgentTool {
  name: string;
  description: string;
  inputSchema: { type: "object"; [key: string]: unknown };
  /** The zod schema `run` validates with (the MCP server advertises and enforces the same one). */
  input: z.ZodObject;
  /** What to tell the model when its result was cut. */
  narrowHint: string;
  /** True when the output is built from objects redacted field by field (YAML, tables). */
  structured: boolean;
  /** Validates raw input with zod, then runs. Throws ToolInputError for problems the model caused. */
  run(raw: unknown, context: ToolContext): Promise<string>;
}

/** Builds an AgentTool from a zod object schema; input is parsed before `run` sees it. */
export function defineTool<S extends z.ZodObject>(spec: {
  name: string;
  description: string;
  input: S;
  narrowHint?: string;
  /** Output built from field-redacted objects; free text (logs) must leave this unset. */
  structured?: boolean;
  run: (input: z.output<S>, context: ToolContext) => Promise<string>;
}): AgentTool {
  return {
    name: spec.name,
    description: spec.description,
    inputSchema: advertisedSchema(spec.input),
    input: spec.input,
    narrowHint: spec.narrowHint ?? "Ask for less (a narrower filter or a smaller limit).",
    structured: spec.structured ?? false,
    async run(raw, context) {
      const parsed = spec.input.safeParse(raw ?? {});
      if (!parsed.success) throw new ToolInputError(`invalid input: ${formatIssues(parsed.error)}`);
      return spec.run(parsed.data, context);
    },
  };
}

/** zod issues as one line per issue, path first, for the model to fix its call. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/**
 * The namespace a read may use: the given one or the investigated one, and only namespaces the
 * policy lets triage look at. `undefined` means all (allowed) namespaces.
 */
export function scopedNamespace(requested: string | undefined, context: ToolContext): string | undefined {
  const namespace = requested ?? (context.namespace === "*" ? undefined : context.namespace);
  if (namespace !== undefined && !anyGlob(context.policy.namespaces, namespace)) {
    throw new ToolInputError(`namespace '${namespace}' is outside the namespaces this bot may read`);
  }
  return namespace;
}

/** Filters items of an all-namespace list down to the namespaces the policy allows. */
export function allowedItems<T extends { metadata: { namespace?: string } }>(
  items: T[],
  context: ToolContext,
): T[] {
  return items.filter(
    (item) => !item.metadata.namespace || anyGlob(context.policy.namespaces, item.metadata.namespace),
  );
}
