import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SlackMessage } from "../slack/blocks/kit.js";
import { messageProblems } from "../slack/blocks/validate.js";
import { type FakeMessage, FakeWorkspace, type TranscriptChannel, TsClock } from "./fake-slack-state.js";

export type { FakeEphemeral, FakeMessage, TranscriptChannel } from "./fake-slack-state.js";

/** One Web API call the fake received, with what it answered. */
export interface FakeSlackCall {
  method: string;
  params: Record<string, unknown>;
  /** The bearer token it was called with. */
  token?: string;
  status: number;
  response: Record<string, unknown>;
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
}

type Handler = (params: Record<string, unknown>) => Record<string, unknown>;

const JSON_FIELDS = new Set(["blocks", "attachments", "view", "files", "metadata"]);

/**
 * A local stand-in for Slack's Web API over HTTP, for tests and the offline demo. It answers the
 * methods this app uses with realistic payloads (ok, ts, channel), validates Block Kit limits the
 * way Slack does (invalid_blocks, msg_too_long), supports files.uploadV2's three steps with an
 * upload URL on 127.0.0.1, fails on demand (429 with Retry-After, 5xx, platform errors), and
 * records every call. `transcript()` gives channels with their threads for printing.
 */
export class FakeSlack {
  readonly calls: FakeSlackCall[] = [];
  readonly workspace = new FakeWorkspace();
  readonly token: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
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
    this.handlers = this.methods();
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
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
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
      upload.content = await uploadedText(req, body);
      res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${body.length}`);
      return;
    }
    if (url.pathname.startsWith("/respond/")) {
      // A slash command's response_url: Bolt's respond() posts JSON here.
      const params = parseParams("application/json", body);
      const call: FakeSlackCall = { method: "response_url", params, status: 200, response: { ok: true } };
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
    if (token !== this.token)
      return { status: 200, response: { ok: false, error: token ? "invalid_auth" : "not_authed" } };
    const handler = this.handlers[method];
    if (!handler) return { status: 200, response: { ok: false, error: "unknown_method" } };
    return { status: 200, response: handler(params) };
  }

  private methods(): Record<string, Handler> {
    const ws = this.workspace;
    const str = (value: unknown) => (typeof value === "string" ? value : undefined);
    const invalid = (params: Record<string, unknown>): Record<string, unknown> | undefined => {
      const text = str(params.text) ?? "";
      const blocks = Array.isArray(params.blocks) ? (params.blocks as SlackMessage["blocks"]) : undefined;
      if (!text && !blocks?.length) return { ok: false, error: "no_text" };
      if (text.length > 40_000) return { ok: false, error: "msg_too_long" };
      if (blocks) {
        const problems = messageProblems({ text: text || "-", blocks });
        if (problems.length > 0) return { ok: false, error: "invalid_blocks", errors: problems };
      }
      return undefined;
    };
    const permalink = (channel: string, ts: string, threadTs?: string) =>
      `https://fake-slack.example/archives/${channel}/p${ts.replace(".", "")}${threadTs && threadTs !== ts ? `?thread_ts=${threadTs}&cid=${channel}` : ""}`;
    return {
      "auth.test": () => ({
        ok: true,
        url: "https://fake-slack.example/",
        team: "Fake",
        user: "triage",
        team_id: this.teamId,
        user_id: this.botUserId,
        bot_id: this.botId,
      }),
      "chat.postMessage": (params) => {
        const channel = str(params.channel);
        if (!channel) return { ok: false, error: "channel_not_found" };
        const bad = invalid(params);
        if (bad) return bad;
        // Replies to messages the fake never saw (an alert from another integration) are accepted.
        const threadTs = str(params.thread_ts);
        const message = ws.add({
          channel,
          ts: this.clock.next(),
          ...(threadTs ? { threadTs } : {}),
          user: this.botUserId,
          botId: this.botId,
          text: str(params.text) ?? "",
          ...(Array.isArray(params.blocks) ? { blocks: params.blocks } : {}),
        });
        return { ok: true, channel, ts: message.ts, message: wireMessage(message) };
      },
      "chat.update": (params) => {
        const channel = str(params.channel) ?? "";
        const message = ws.find(channel, str(params.ts) ?? "");
        if (!message) return { ok: false, error: "message_not_found" };
        if (message.botId !== this.botId) return { ok: false, error: "cant_update_message" };
        const bad = invalid(params);
        if (bad) return bad;
        message.text = str(params.text) ?? "";
        message.edits.push(message.text);
        if (Array.isArray(params.blocks)) message.blocks = params.blocks;
        return { ok: true, channel, ts: message.ts, text: message.text, message: wireMessage(message) };
      },
      "chat.delete": (params) => {
        const channel = str(params.channel) ?? "";
        const index = ws.messages.findIndex((m) => m.channel === channel && m.ts === str(params.ts));
        if (index < 0) return { ok: false, error: "message_not_found" };
        ws.messages.splice(index, 1);
        return { ok: true, channel, ts: params.ts };
      },
      "chat.postEphemeral": (params) => {
        const channel = str(params.channel);
        const user = str(params.user);
        if (!channel || !user)
          return { ok: false, error: channel ? "user_not_in_channel" : "channel_not_found" };
        const bad = invalid(params);
        if (bad) return bad;
        const threadTs = str(params.thread_ts);
        ws.ephemerals.push({
          channel,
          user,
          text: str(params.text) ?? "",
          ...(threadTs ? { threadTs } : {}),
          ...(Array.isArray(params.blocks) ? { blocks: params.blocks } : {}),
        });
        return { ok: true, message_ts: this.clock.next() };
      },
      "chat.getPermalink": (params) => {
        const channel = str(params.channel) ?? "";
        const ts = str(params.message_ts) ?? "";
        if (!channel || !ts) return { ok: false, error: "message_not_found" };
        return { ok: true, channel, permalink: permalink(channel, ts, ws.find(channel, ts)?.threadTs) };
      },
      "reactions.add": (params) => {
        const channel = str(params.channel) ?? "";
        const ts = str(params.timestamp) ?? "";
        const name = str(params.name) ?? "";
        const message =
          ws.find(channel, ts) ?? ws.add({ channel, ts, text: "(message not posted through this API)" });
        if (message.reactions.includes(name)) return { ok: false, error: "already_reacted" };
        message.reactions.push(name);
        return { ok: true };
      },
      "views.publish": (params) => {
        const user = str(params.user_id);
        if (!user) return { ok: false, error: "invalid_arguments" };
        const view = params.view as { blocks?: unknown[] } | undefined;
        if ((view?.blocks?.length ?? 0) > 100) return { ok: false, error: "invalid_arguments" };
        ws.homeViews.set(user, view);
        return { ok: true, view: { id: `V${randomBytes(4).toString("hex").toUpperCase()}`, ...view } };
      },
      "usergroups.users.list": (params) => {
        const members = this.usergroups[str(params.usergroup) ?? ""];
        return members ? { ok: true, users: members } : { ok: false, error: "no_such_subteam" };
      },
      "files.getUploadURLExternal": (params) => {
        const filename = str(params.filename);
        const length = Number(params.length);
        if (!filename || !Number.isFinite(length) || length <= 0)
          return { ok: false, error: "invalid_arguments" };
        const fileId = `F${randomBytes(5).toString("hex").toUpperCase()}`;
        ws.uploads.set(fileId, { filename, length });
        return { ok: true, upload_url: `${this.base}/upload/${fileId}`, file_id: fileId };
      },
      "files.completeUploadExternal": (params) => {
        const files = (Array.isArray(params.files) ? params.files : []) as { id: string; title?: string }[];
        const done = files.map((file) => ({ file, upload: ws.uploads.get(file.id) }));
        if (done.length === 0 || done.some((entry) => entry.upload?.content === undefined)) {
          return { ok: false, error: "file_not_found" };
        }
        const channel = str(params.channel_id);
        const threadTs = str(params.thread_ts);
        const shared = done.map(({ file, upload }) => ({
          id: file.id,
          title: file.title ?? upload?.filename ?? file.id,
          name: upload?.filename ?? file.id,
          content: upload?.content ?? "",
        }));
        if (channel) {
          ws.add({
            channel,
            ts: this.clock.next(),
            ...(threadTs ? { threadTs } : {}),
            user: this.botUserId,
            botId: this.botId,
            text: str(params.initial_comment) ?? "",
            files: shared,
          });
        }
        return { ok: true, files: shared.map(({ id, title, name }) => ({ id, title, name })) };
      },
    };
  }
}

function wireMessage(message: FakeMessage): Record<string, unknown> {
  return {
    type: "message",
    user: message.user,
    bot_id: message.botId,
    text: message.text,
    ts: message.ts,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.blocks ? { blocks: message.blocks } : {}),
  };
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

/** The file text of an upload (multipart/form-data as the web client sends it, or a raw body). */
async function uploadedText(req: IncomingMessage, body: Buffer): Promise<string> {
  const type = req.headers["content-type"] ?? "";
  if (!type.includes("multipart/form-data")) return body.toString("utf8");
  const form = await new Response(body, { headers: { "content-type": type } }).formData();
  for (const value of form.values()) {
    if (typeof value !== "string") return await value.text();
  }
  return "";
}
