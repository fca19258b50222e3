import type {
  ContentBlock,
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
  Tool,
} from "@anthropic-ai/sdk/resources/messages";
import type { AgentTool } from "./tools/registry.js";

/**
 * Request assembly for the loop. Three cache breakpoints: the system prompt, the last tool
 * definition (so the whole tool list is cached), and the newest user turn (so each turn only pays
 * full price for what it added).
 */

const EPHEMERAL = { type: "ephemeral" } as const;

/** The final tool as the API sees it. */
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: { type: "object"; [key: string]: unknown };
}

export function toolDefinitions(tools: (AgentTool | ToolDefinition)[]): Tool[] {
  return tools.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema,
    ...(index === tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
  }));
}

/** Messages with a cache breakpoint on the last block of the newest message. */
function withTailBreakpoint(messages: MessageParam[]): MessageParam[] {
  const last = messages.at(-1);
  if (last?.role !== "user") return messages;
  const blocks: ContentBlockParam[] =
    typeof last.content === "string" ? [{ type: "text", text: last.content }] : [...last.content];
  const tail = blocks.at(-1);
  if (tail && (tail.type === "text" || tail.type === "tool_result")) {
    blocks[blocks.length - 1] = { ...tail, cache_control: EPHEMERAL };
  }
  return [...messages.slice(0, -1), { role: "user", content: blocks }];
}

export function buildRequest(input: {
  model: string;
  maxTokens: number;
  system: string;
  tools: Tool[];
  messages: MessageParam[];
  forceTool?: string;
}): MessageCreateParamsNonStreaming {
  return {
    model: input.model,
    max_tokens: input.maxTokens,
    system: [{ type: "text", text: input.system, cache_control: EPHEMERAL }],
    tools: input.tools,
    tool_choice: input.forceTool ? { type: "tool", name: input.forceTool } : { type: "auto" },
    messages: withTailBreakpoint(input.messages),
  };
}

/** The assistant turn as it must be sent back: text and tool_use blocks, verbatim. */
export function assistantTurn(content: ContentBlock[]): MessageParam {
  const blocks: ContentBlockParam[] = [];
  for (const block of content) {
    if (block.type === "text") blocks.push({ type: "text", text: block.text });
    else if (block.type === "tool_use")
      blocks.push({ type: "tool_use", id: block.id, name: block.name, input: block.input });
  }
  if (blocks.length === 0) blocks.push({ type: "text", text: "(no content)" });
  return { role: "assistant", content: blocks };
}

/** Key of a call for the repeat guard: name plus input with keys sorted. */
export function callKey(name: string, input: unknown): string {
  return `${name}:${stableJson(input)}`;
}

/** JSON with object keys sorted, so equal values always print the same. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
