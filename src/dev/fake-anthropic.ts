import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for the Anthropic Messages API: a real HTTP server on 127.0.0.1 that answers
 * `POST /v1/messages` from a script of turns and records every request, so the agent is tested
 * through the real SDK (retries, headers, JSON) without the network. Used by tests, `npm run eval`
 * (replay mode) and the demo.
 */

/** One content block of a recorded request, loosely typed (tests read what they need). */
export interface RecordedBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | { type: string; text?: string }[];
  is_error?: boolean;
  cache_control?: unknown;
}

/** The parts of a Messages request body the fake and the tests look at. */
export interface RecordedBody {
  model: string;
  max_tokens: number;
  system?: string | RecordedBlock[];
  tools?: { name: string; description?: string; input_schema: unknown; cache_control?: unknown }[];
  tool_choice?: { type: string; name?: string };
  messages: { role: string; content: string | RecordedBlock[] }[];
}

export interface RecordedRequest {
  body: RecordedBody;
  /** The body exactly as received, for scanning (e.g. for leaked secrets). */
  raw: string;
  headers: Record<string, string | string[] | undefined>;
}

export type ScriptTurn =
  | { kind: "tool_use"; calls: { name: string; input: unknown; id?: string }[]; text?: string }
  | { kind: "final"; name?: string; input: unknown; id?: string }
  | { kind: "text"; text: string; stopReason?: "end_turn" | "refusal" | "max_tokens" }
  | { kind: "error"; status: number; retryAfterSeconds?: number; retryAfterMs?: number; message?: string }
  | { kind: "hang" };

/** A turn, or a function of the request that computes it (e.g. an RCA built from tool results). */
export type ScriptStep = ScriptTurn | ((request: RecordedRequest, index: number) => ScriptTurn);

export interface FakeAnthropicOptions {
  /** Steps consumed one per request; a function is asked for every request instead. */
  script: ScriptStep[] | ((request: RecordedRequest, index: number) => ScriptTurn);
}

export interface FakeAnthropic {
  /** Base URL for the SDK's `baseURL` / ANTHROPIC_BASE_URL. */
  url: string;
  requests: RecordedRequest[];
  /** Script steps not consumed yet. */
  remaining(): number;
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

function approxTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value ?? "").length / 4);
}

/** Tool results of the newest user turn of a request. */
export function toolResultsOf(request: RecordedRequest): RecordedBlock[] {
  const last = request.body.messages.at(-1);
  if (!last || typeof last.content === "string") return [];
  return last.content.filter((block) => block.type === "tool_result");
}

/** Text of a tool result block. */
export function resultText(block: RecordedBlock): string {
  if (typeof block.content === "string") return block.content;
  return (block.content ?? []).map((part) => part.text ?? "").join("");
}

/** Starts the fake on 127.0.0.1 and an ephemeral port. */
export async function startFakeAnthropic(options: FakeAnthropicOptions): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  let index = 0;
  let idCounter = 0;
  let cachedPrefix = "";
  const nextId = () => `toolu_fake_${String(++idCounter).padStart(3, "0")}`;

  const pick = (request: RecordedRequest): ScriptTurn | undefined => {
    const script = options.script;
    if (typeof script === "function") return script(request, index++);
    const step = script[index++];
    if (step === undefined) return undefined;
    return typeof step === "function" ? step(request, index - 1) : step;
  };

  const reply = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      "content-type": "application/json",
      "request-id": `req_fake_${index}`,
      ...headers,
    });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST" || !req.url?.startsWith("/v1/messages")) {
      reply(res, 404, { type: "error", error: { type: "not_found_error", message: "not found" } });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: RecordedBody;
    try {
      body = JSON.parse(raw) as RecordedBody;
    } catch {
      reply(res, 400, {
        type: "error",
        error: { type: "invalid_request_error", message: "body is not JSON" },
      });
      return;
    }
    const request: RecordedRequest = { body, raw, headers: req.headers };
    requests.push(request);
    const turn = pick(request);
    if (!turn) {
      reply(res, 400, {
        type: "error",
        error: { type: "invalid_request_error", message: "fake script exhausted" },
      });
      return;
    }
    if (turn.kind === "hang") {
      // Never answers (until the client gives up or the server closes): a stuck upstream.
      return;
    }
    if (turn.kind === "error") {
      const headers: Record<string, string> = {};
      if (turn.retryAfterSeconds !== undefined) headers["retry-after"] = String(turn.retryAfterSeconds);
      if (turn.retryAfterMs !== undefined) headers["retry-after-ms"] = String(turn.retryAfterMs);
      const type = ERROR_TYPES[turn.status] ?? "api_error";
      reply(
        res,
        turn.status,
        { type: "error", error: { type, message: turn.message ?? `scripted ${turn.status}` } },
        headers,
      );
      return;
    }
    const content: RecordedBlock[] = [];
    let stopReason = "tool_use";
    if (turn.kind === "tool_use") {
      if (turn.text) content.push({ type: "text", text: turn.text });
      for (const call of turn.calls)
        content.push({ type: "tool_use", id: call.id ?? nextId(), name: call.name, input: call.input });
    } else if (turn.kind === "final") {
      content.push({
        type: "tool_use",
        id: turn.id ?? nextId(),
        name: turn.name ?? "submit_rca",
        input: turn.input,
      });
    } else {
      content.push({ type: "text", text: turn.text });
      stopReason = turn.stopReason ?? "end_turn";
    }
    // Simulated prompt caching: the system prompt and tools are the cacheable prefix.
    const prefix = JSON.stringify([body.system, body.tools]);
    const prefixTokens = approxTokens(prefix);
    const total = approxTokens([body.system, body.tools, body.messages]);
    const hit = prefix === cachedPrefix;
    cachedPrefix = prefix;
    reply(res, 200, {
      id: `msg_fake_${index}`,
      type: "message",
      role: "assistant",
      model: body.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: {
        input_tokens: Math.max(1, total - prefixTokens),
        output_tokens: approxTokens(content),
        cache_read_input_tokens: hit ? prefixTokens : 0,
        cache_creation_input_tokens: hit ? 0 : prefixTokens,
      },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      reply(res, 500, { type: "error", error: { type: "api_error", message: String(error) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    remaining: () =>
      typeof options.script === "function" ? Number.POSITIVE_INFINITY : options.script.length - index,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
