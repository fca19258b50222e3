import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { type AgentTool, readOnlyTools, type ToolContext } from "../agent/tools/index.js";
import { ToolInputError } from "../agent/tools/registry.js";
import { errorMessage } from "../errors.js";
import type { McpContext } from "./context.js";
import { dataResult, errorResult } from "./results.js";

/** Every tool of this server only reads: clients may run them without asking the user each time. */
export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** The namespace a call names, when its schema has one. */
function requestedNamespace(args: unknown): string | undefined {
  const value = (args as { namespace?: unknown } | undefined)?.namespace;
  return typeof value === "string" ? value : undefined;
}

/**
 * Runs one agent tool the way the investigation loop does: same zod input, same policy scope,
 * same Secret rules (the tools never fetch a Secret), the env values of the namespace harvested
 * first so a log line that prints one is scrubbed, and the result wrapped and capped.
 */
export async function runAgentTool(
  tool: AgentTool,
  args: unknown,
  context: McpContext,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const toolContext: ToolContext = {
    reader: context.reader,
    namespace: "*",
    policy: context.policy,
    signal,
    secrets: context.scrubber.secrets,
    ...(context.prometheus ? { prometheus: context.prometheus } : {}),
  };
  try {
    if ("namespace" in tool.input.shape) {
      await context.scrubber.prime(requestedNamespace(args), signal).catch((error: unknown) => {
        // Pattern redaction still applies; the read itself will report a real cluster failure.
        context.log.warn("could not harvest env values before a tool call", { error: errorMessage(error) });
      });
    }
    const body = await tool.run(args, toolContext);
    return dataResult(tool.name, body, context.scrubber, {
      tokenCap: context.resultTokenCap,
      narrowHint: tool.narrowHint,
      structured: tool.structured,
    });
  } catch (error) {
    const text =
      error instanceof ToolInputError
        ? errorMessage(error)
        : `the cluster read failed: ${errorMessage(error)}`;
    return errorResult(text, context.scrubber);
  }
}

/** Registers the agent's read-only tools (list, get, describe, events, logs, topology, readyz). */
export function registerReadTools(server: McpServer, context: McpContext): string[] {
  const tools = readOnlyTools({ prometheus: context.prometheus !== undefined });
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      { description: tool.description, inputSchema: tool.input, annotations: READ_ONLY },
      (args: unknown, extra) => runAgentTool(tool, args, context, extra.signal),
    );
  }
  return tools.map((tool) => tool.name);
}
