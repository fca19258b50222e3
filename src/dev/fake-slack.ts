import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fakeSlackMethods, type Handler } from "./fake-slack-methods.js";
import { FakeSocketMode } from "./fake-slack-socket.js";
import { type FakeMessage, FakeWorkspace, type TranscriptChannel, TsClock } from "./fake-slack-state.js";

export type { EnvelopeAck, EnvelopeType, FakeEnvelope } from "./fake-slack-socket.js";
export type { FakeEphemeral, FakeMessage, TranscriptChannel } from "./fake-slack-state.js";

/** One Web API call the fake received, with what it answered. */
export interface FakeSlackCall {
  method: string;
  params: Record<string, unknown>;
  /** The bearer token it was called with. */
  token?: string;
  status: number;
  response: Record<string, unknown>;
  /** For a response_url post from an action: who clicked where (from the URL the sender built). */
  to?: { user: string; channel: string };
}

/** A scripted failure for the next call(s) of a method. */
export type ScriptedFailure = { status: 429; retryAfter: number } | { status: 500 | 503 } | { error: string };

export interface FakeSlackOptions {
  /** The bot token the fake accepts (others get invalid_auth). */
  token?: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /** User groups for usergroups.users.list: group id → member user ids. */
  usergroups?: Record<string, string[]>;
  /** The xapp- token apps.connections.open accepts (Socket Mode). */
  appToken?: string;
}

const JSON_FIELDS = new Set(["blocks", "attachments", "view", "files", "metadata"]);

/**
 * A local stand-in for Slack's Web API over HTTP, for tests and the offline demo. It answers the
 * methods this app uses with realistic payloads (ok, ts, channel), validates Block Kit limits the
 * way Slack does (invalid_blocks, msg_too_long), supports files.uploadV2's three steps with an
 * upload URL on 127.0.0.1, fails on demand (429 with Retry-After, 5xx, platform errors), and
 * records every call. `transcript()` gives channels with their threads for printing.
 * `apps.connections.open` with the app token hands out a URL of {@link FakeSocketMode} (`socket`),
 * which speaks Slack's Socket Mode protocol.
 */
export class FakeSlack {
  readonly calls: FakeSlackCall[] = [];
  readonly workspace = new FakeWorkspace();
  readonly token: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  readonly appToken: string;
  /** The Socket Mode endpoint apps.connections.open hands out (started with the fake). */
  readonly socket = new FakeSocketMode();
  private readonly usergroups: Record<string, string[]>;
  private readonly failures = new Map<string, ScriptedFailure[]>();
  private readonly listeners = new Set<(call: FakeSlackCall) => void>();
  private readonly clock = new TsClock();
  private readonly handlers: Record<string, Handler>;
  private server: Server | undefined;
  private base = "";

  constructor(options: FakeSlackOptions = {}) {
    this.token = options.token ?? "xoxb-fake-token";
    this.botUserId = options.botUserId ?? "U0TRIAGEBOT";
    this.botId = options.botId ?? "B0TRIAGEBOT";
    this.teamId = options.teamId ?? "T0FAKE";
    this.usergroups = options.usergroups ?? {};
    this.appToken = options.appToken ?? "xapp-1-A0TRIAGE-1-fake";
    this.handlers = fakeSlackMethods({
      workspace: this.workspace,
      clock: this.clock,
      botUserId: this.botUserId,
      botId: this.botId,
      teamId: this.teamId,
      usergroups: this.usergroups,
      base: () => this.base,
    });
  }

  /** Base URL for `slackApiUrl` / SLACK_API_URL (ends with a slash). */
  get url(): string {
    return `${this.base}/api/`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, "127.0.0.1", resolve));
    const address = this.server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${address.port}`;
    await this.socket.start();
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await this.socket.stop();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Makes the next `times` calls of `method` fail as scripted. */
  failNext(method: string, failure: ScriptedFailure, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.failures.set(method, queue);
  }

  /** Called for every recorded call (the demo prints the conversation as it happens). */
  onCall(listener: (call: FakeSlackCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls of one method, in order. */
  callsOf(method: string): FakeSlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Resolves with the first recorded call (past or future) matching `predicate`. */
  waitFor(predicate: (call: FakeSlackCall) => boolean, timeoutMs = 10_000): Promise<FakeSlackCall> {
    const seen = this.calls.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`fake Slack: no matching call within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onCall((call) => {
        if (!predicate(call)) return;
        clearTimeout(timer);
        off();
        resolve(call);
      });
    });
  }

  /** A response_url for a slash command or action payload; what is posted there is recorded as `response_url`. */
  responseUrl(id = randomBytes(6).toString("hex")): string {
    return `${this.base}/respond/${id}`;
  }

  /** Channels, their messages and thread replies in order. */
  transcript(): TranscriptChannel[] {
    return this.workspace.transcript();
  }

  /** Puts a message into a channel as another integration would (e.g. an Alertmanager alert). */
  inject(message: Omit<FakeMessage, "ts" | "reactions" | "edits">): FakeMessage {
    return this.workspace.add({ ...message, ts: this.clock.next() });
  }

  /** Like Slack: only the app-level token opens a Socket Mode connection. */
  private connectionsOpen(token: string | undefined): Record<string, unknown> {
    if (token === this.appToken) return this.socket.openConnection();
    if (token === this.token) return { ok: false, error: "not_allowed_token_type" };
    return { ok: false, error: token ? "invalid_auth" : "not_authed" };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.base);
    const body = await readBody(req);
    if (url.pathname.startsWith("/upload/")) {
      const fileId = url.pathname.slice("/upload/".length);
      const upload = this.workspace.uploads.get(fileId);
      if (!upload || req.method !== "POST") {
        res.writeHead(404).end();
        return;
      }
      upload.bytes = await uploadedBytes(req, body);
      upload.content = upload.bytes.toString("utf8");
      res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${body.length}`);
      return;
    }
    if (url.pathname.startsWith("/respond/")) {
      // A slash command's response_url: Bolt's respond() posts JSON here.
      const params = parseParams("application/json", body);
      const user = url.searchParams.get("user");
      const channel = url.searchParams.get("channel");
      const to = user && channel ? { user, channel } : undefined;
      const call: FakeSlackCall = {
        method: "response_url",
        params,
        status: 200,
        response: { ok: true },
        ...(to ? { to } : {}),
      };
      // An action's respond(): an ephemeral reply only the clicker sees, like chat.postEphemeral.
      if (to && params.response_type === "ephemeral" && typeof params.text === "string") {
        this.workspace.ephemerals.push({
          ...to,
          text: params.text,
          ...(Array.isArray(params.blocks) ? { blocks: params.blocks } : {}),
        });
      }
      this.calls.push(call);
      for (const listener of this.listeners) listener(call);
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      return;
    }
    const method = url.pathname.replace(/^\/api\//, "");
    const params = parseParams(req.headers["content-type"], body);
    const token =
      (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "") || (params.token as string | undefined);
    const { status, response, headers } = this.answer(method, params, token);
    const call: FakeSlackCall = { method, params, status, response, ...(token ? { token } : {}) };
    this.calls.push(call);
    for (const listener of this.listeners) listener(call);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(response));
  }

  private answer(
    method: string,
    params: Record<string, unknown>,
    token: string | undefined,
  ): { status: number; response: Record<string, unknown>; headers?: Record<string, string> } {
    const failure = this.failures.get(method)?.shift();
    if (failure && "status" in failure) {
      if (failure.status === 429) {
        return {
          status: 429,
          response: { ok: false, error: "ratelimited" },
          headers: { "retry-after": String(failure.retryAfter) },
        };
      }
      return { status: failure.status, response: { ok: false, error: "service_unavailable" } };
    }
    if (failure) return { status: 200, response: { ok: false, error: failure.error } };
    if (method === "apps.connections.open") return { status: 200, response: this.connectionsOpen(token) };
    if (token !== this.token)
      return { status: 200, response: { ok: false, error: token ? "invalid_auth" : "not_authed" } };
    const handler = this.handlers[method];
    if (!handler) return { status: 200, response: { ok: false, error: "unknown_method" } };
    return { status: 200, response: handler(params) };
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseParams(contentType: string | undefined, body: Buffer): Record<string, unknown> {
  const text = body.toString("utf8");
  if (contentType?.includes("application/json"))
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (JSON_FIELDS.has(key)) {
      try {
        params[key] = JSON.parse(value);
        continue;
      } catch {
        // Not JSON: keep the raw string, as Slack would then reject it.
      }
    }
    params[key] = value;
  }
  return params;
}

/** The bytes of an upload (multipart/form-data as the web client sends it, or a raw body). */
async function uploadedBytes(req: IncomingMessage, body: Buffer): Promise<Buffer> {
  const type = req.headers["content-type"] ?? "";
  if (!type.includes("multipart/form-data")) return body;
  const form = await new Response(body, { headers: { "content-type": type } }).formData();
  for (const value of form.values()) {
    if (typeof value !== "string") return Buffer.from(await value.arrayBuffer());
  }
  return Buffer.alloc(0);
}
