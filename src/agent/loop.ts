import Anthropic, { APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type { MessageParam, ToolResultBlockParam, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { z } from "zod";
import type { ModelUsage } from "../domain/rca.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import type { AgentConfig } from "./config.js";
import { assistantTurn, buildRequest, callKey, toolDefinitions } from "./conversation.js";
import { renderToolError, renderToolResult } from "./result-text.js";
import { mapStrings } from "./scrub.js";
import { type AgentTool, formatIssues, type ToolContext, ToolInputError } from "./tools/registry.js";
import { advertisedSchema } from "./tools/schema.js";
import { UsageMeter } from "./usage.js";

/** The tool that ends the loop; its input is the loop's answer once it validates. */
export interface FinalTool<T> {
  name: string;
  description: string;
  schema: z.ZodType<T>;
  /** Semantic checks after the schema (e.g. evidence cites real calls); problems go back to the model. */
  check?: (value: T, knownCallIds: ReadonlySet<string>) => string[];
}

export interface LoopInput<T> {
  client: Anthropic;
  config: AgentConfig;
  system: string;
  firstUser: string;
  tools: AgentTool[];
  final: FinalTool<T>;
  context: ToolContext;
  maxIterations: number;
  log?: Logger;
}

export type LoopResult<T> =
  | {
      ok: true;
      value: T;
      usage: ModelUsage;
      callIds: string[];
      /** What each tool call asked for, by id, so evidence can say where it came from. */
      calls: Record<string, { name: string; input: unknown }>;
    }
  | { ok: false; reason: string; usage: ModelUsage };

/** Budget share after which the next turn must be the final answer. */
const FORCE_AT_BUDGET = 0.75;

/** A fresh client per investigation: the SDK retries 408/409/429/5xx/529 and honours retry-after. */
export function createClient(config: AgentConfig): Anthropic {
  return new Anthropic({
    apiKey: config.apiKey ?? null,
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    maxRetries: config.maxRetries,
    timeout: config.requestTimeoutMs,
  });
}

function describeFailure(error: unknown, signal: AbortSignal): string {
  if (signal.aborted || error instanceof APIUserAbortError) {
    const reason = signal.reason;
    return reason instanceof Error && reason.name === "TimeoutError"
      ? "the investigation timed out"
      : "the investigation was cancelled";
  }
  if (error instanceof APIError && error.status !== undefined) {
    return `the model API failed (HTTP ${error.status}) after retries: ${errorMessage(error).slice(0, 200)}`;
  }
  return `the model API is unreachable: ${errorMessage(error).slice(0, 200)}`;
}

/**
 * The tool-use loop: ask, run the requested read-only tools, send the results back, until the
 * model calls the final tool with a valid answer or a bound (iterations, tokens, time, abort,
 * two invalid answers, refusal) ends it. Never throws for model or tool problems.
 */
export async function runToolLoop<T>(input: LoopInput<T>): Promise<LoopResult<T>> {
  const { config, final, context } = input;
  const meter = new UsageMeter(config.model);
  const signal = context.signal;
  const definitions = toolDefinitions([...input.tools, { ...final, inputSchema: finalSchema(final) }]);
  const messages: MessageParam[] = [{ role: "user", content: input.firstUser }];
  const knownCallIds = new Set<string>();
  const callLog: Record<string, { name: string; input: unknown }> = {};
  const previousCalls = new Map<string, string>();
  let invalidAnswers = 0;
  let mustAnswer = false;
  const fail = (reason: string): LoopResult<T> => ({ ok: false, reason, usage: meter.snapshot() });

  // One repair turn beyond the bound is allowed when the forced final answer was invalid.
  for (let turn = 1; turn <= input.maxIterations + (invalidAnswers > 0 ? 1 : 0); turn++) {
    if (signal.aborted) return fail(describeFailure(undefined, signal));
    const force =
      mustAnswer || turn >= input.maxIterations || meter.totalTokens >= config.tokenBudget * FORCE_AT_BUDGET;
    const request = buildRequest({
      model: config.model,
      maxTokens: config.maxOutputTokens,
      system: input.system,
      tools: definitions,
      messages,
      ...(force ? { forceTool: final.name } : {}),
    });
    let response: Anthropic.Message;
    try {
      response = await input.client.messages.create(request, { signal, timeout: config.requestTimeoutMs });
    } catch (error) {
      input.log?.warn("model call failed", { error: errorMessage(error) });
      return fail(describeFailure(error, signal));
    }
    meter.iterations++;
    meter.add(response.usage);
    if (response.stop_reason === "refusal") return fail("the model declined to answer (stop_reason refusal)");
    messages.push(assistantTurn(response.content));
    const uses = response.content.filter((block): block is ToolUseBlock => block.type === "tool_use");
    if (uses.length === 0) {
      mustAnswer = true;
      messages.push({ role: "user", content: `Call ${final.name} now with your conclusion.` });
      continue;
    }
    const results: ToolResultBlockParam[] = [];
    const calls: ToolUseBlock[] = [];
    for (const use of uses) {
      if (use.name !== final.name) {
        calls.push(use);
        continue;
      }
      const problems = validateFinal(final, use.input, knownCallIds);
      if (problems.length === 0) {
        const value = final.schema.parse(use.input);
        return {
          ok: true,
          // The model's own words go to Slack and the store: hide every secret value this
          // investigation learned (env values, harvested tokens) wherever the model repeated it.
          value: context.secrets ? mapStrings(value, (text) => context.secrets?.scrub(text) ?? text) : value,
          usage: meter.snapshot(),
          callIds: [...knownCallIds],
          calls: callLog,
        };
      }
      invalidAnswers++;
      if (invalidAnswers >= 2) {
        return fail(
          `the model's ${final.name} input was invalid twice: ${problems.join("; ").slice(0, 300)}`,
        );
      }
      mustAnswer = true;
      results.push(
        errorResult(
          use.id,
          `Invalid ${final.name} input; fix these and call it again:\n${problems.join("\n")}`,
        ),
      );
    }
    meter.toolCalls += calls.length;
    for (const call of calls) callLog[call.id] = { name: call.name, input: call.input };
    results.push(
      ...(await runCalls(calls, input.tools, context, previousCalls, knownCallIds, config.resultTokenCap)),
    );
    if (meter.totalTokens >= config.tokenBudget) {
      return fail(`the token budget (${config.tokenBudget}) was used up before an answer`);
    }
    messages.push({ role: "user", content: results });
  }
  return fail(`no valid ${final.name} within ${input.maxIterations} model turns`);
}

function finalSchema<T>(final: FinalTool<T>): { type: "object"; [key: string]: unknown } {
  return advertisedSchema(final.schema);
}

function validateFinal<T>(final: FinalTool<T>, raw: unknown, knownCallIds: ReadonlySet<string>): string[] {
  const parsed = final.schema.safeParse(raw);
  if (!parsed.success) return formatIssues(parsed.error).split("; ");
  return final.check?.(parsed.data, knownCallIds) ?? [];
}

function errorResult(id: string, text: string, context?: ToolContext): ToolResultBlockParam {
  const secrets = context?.secrets;
  const content = renderToolError(text, secrets ? (t) => secrets.scrub(t) : undefined);
  return { type: "tool_result", tool_use_id: id, is_error: true, content };
}

type Outcome = { ok: true; tool: AgentTool; body: string } | { ok: false; text: string };

/**
 * Runs one turn's calls concurrently (they are independent reads), then renders every result.
 * Rendering waits for all of them so a secret value learned by one call (a pod's env) is already
 * known when another call's output (that pod's log) is scrubbed.
 */
async function runCalls(
  uses: ToolUseBlock[],
  tools: AgentTool[],
  context: ToolContext,
  previousCalls: Map<string, string>,
  knownCallIds: Set<string>,
  tokenCap: number,
): Promise<ToolResultBlockParam[]> {
  const outcomes = await Promise.all(
    uses.map(async (use): Promise<Outcome> => {
      const tool = tools.find((candidate) => candidate.name === use.name);
      if (!tool) {
        return {
          ok: false,
          text: `Unknown tool '${use.name}'. Available: ${tools.map((t) => t.name).join(", ")}.`,
        };
      }
      const key = callKey(use.name, use.input);
      const earlier = previousCalls.get(key);
      if (earlier) {
        return {
          ok: false,
          text: `Repeated call: identical to ${earlier}. Use that result instead of calling again.`,
        };
      }
      previousCalls.set(key, use.id);
      try {
        return { ok: true, tool, body: await tool.run(use.input, context) };
      } catch (error) {
        // On abort the loop's next turn reports the timeout; this result is never sent.
        const text =
          error instanceof ToolInputError
            ? errorMessage(error)
            : `the cluster read failed: ${errorMessage(error)}`;
        return { ok: false, text };
      }
    }),
  );
  const scrubKnown = (text: string) => (context.secrets ? context.secrets.scrub(text) : text);
  return uses.map((use, index) => {
    const outcome = outcomes[index];
    if (!outcome?.ok) return errorResult(use.id, outcome?.text ?? "no result", context);
    knownCallIds.add(use.id);
    const content = renderToolResult(
      use.name,
      outcome.body,
      tokenCap,
      outcome.tool.narrowHint,
      scrubKnown,
      outcome.tool.structured,
    );
    return { type: "tool_result", tool_use_id: use.id, content };
  });
}
