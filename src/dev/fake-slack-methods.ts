import { randomBytes } from "node:crypto";
import type { SlackMessage } from "../slack/blocks/kit.js";
import { messageProblems } from "../slack/blocks/validate.js";
import type { FakeFile, FakeMessage, FakeWorkspace, TsClock } from "./fake-slack-state.js";

/** Slack's documented limit for one uploaded file, 1 GB (the fake answers file_too_large over it). */
const MAX_FILE_BYTES = 1024 ** 3;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One fake Web API method: parsed params in, Slack's JSON answer out. */
export type Handler = (params: Record<string, unknown>) => Record<string, unknown>;

/** What the method handlers read and change. */
export interface FakeSlackContext {
  workspace: FakeWorkspace;
  clock: TsClock;
  botUserId: string;
  botId: string;
  teamId: string;
  usergroups: Record<string, string[]>;
  /** The fake's own base URL (for upload URLs). */
  base(): string;
}

/**
 * The Web API methods the app uses, answered the way Slack does: realistic success payloads,
 * Slack's error codes, and Block Kit limits enforced (invalid_blocks) so a message Slack would
 * reject is rejected here too.
 */
export function fakeSlackMethods(ctx: FakeSlackContext): Record<string, Handler> {
  const ws = ctx.workspace;
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
      team_id: ctx.teamId,
      user_id: ctx.botUserId,
      bot_id: ctx.botId,
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
        ts: ctx.clock.next(),
        ...(threadTs ? { threadTs } : {}),
        user: ctx.botUserId,
        botId: ctx.botId,
        text: str(params.text) ?? "",
        ...(Array.isArray(params.blocks) ? { blocks: params.blocks } : {}),
      });
      return { ok: true, channel, ts: message.ts, message: wireMessage(message) };
    },
    "chat.update": (params) => {
      const channel = str(params.channel) ?? "";
      const message = ws.find(channel, str(params.ts) ?? "");
      if (!message) return { ok: false, error: "message_not_found" };
      if (message.botId !== ctx.botId) return { ok: false, error: "cant_update_message" };
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
      return { ok: true, message_ts: ctx.clock.next() };
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
      const members = ctx.usergroups[str(params.usergroup) ?? ""];
      return members ? { ok: true, users: members } : { ok: false, error: "no_such_subteam" };
    },
    "files.getUploadURLExternal": (params) => {
      const filename = str(params.filename);
      const length = Number(params.length);
      if (!filename || !Number.isFinite(length) || length <= 0)
        return { ok: false, error: "invalid_arguments" };
      // Slack's own limit for one file.
      if (length > MAX_FILE_BYTES) return { ok: false, error: "file_too_large" };
      const fileId = `F${randomBytes(5).toString("hex").toUpperCase()}`;
      // alt_txt is the method's documented argument (the web client's filesUploadV2 sends alt_text,
      // which Slack does not list: the fake ignores it as Slack does).
      const altText = str(params.alt_txt);
      if (altText && altText.length > 1000) return { ok: false, error: "alt_txt_too_large" };
      ws.uploads.set(fileId, { filename, length, ...(altText ? { altText } : {}) });
      return { ok: true, upload_url: `${ctx.base()}/upload/${fileId}`, file_id: fileId };
    },
    "files.completeUploadExternal": (params) => {
      const files = (Array.isArray(params.files) ? params.files : []) as { id: string; title?: string }[];
      const done = files.map((file) => ({ file, upload: ws.uploads.get(file.id) }));
      if (done.length === 0 || done.some((entry) => entry.upload?.bytes === undefined)) {
        return { ok: false, error: "file_not_found" };
      }
      const channel = str(params.channel_id);
      const threadTs = str(params.thread_ts);
      const shared: FakeFile[] = done.map(({ file, upload }) => {
        const bytes = upload?.bytes ?? Buffer.alloc(0);
        const png = bytes.subarray(0, 8).equals(PNG_SIGNATURE);
        return {
          id: file.id,
          title: file.title ?? upload?.filename ?? file.id,
          name: upload?.filename ?? file.id,
          content: upload?.content ?? "",
          bytes,
          filetype: png ? "png" : "text",
          mimetype: png ? "image/png" : "text/plain",
          ...(upload?.altText ? { altText: upload.altText } : {}),
        };
      });
      if (channel) {
        ws.add({
          channel,
          ts: ctx.clock.next(),
          ...(threadTs ? { threadTs } : {}),
          user: ctx.botUserId,
          botId: ctx.botId,
          text: str(params.initial_comment) ?? "",
          files: shared,
        });
      }
      return {
        ok: true,
        files: shared.map(({ id, title, name, filetype, mimetype, bytes }) => ({
          id,
          title,
          name,
          filetype,
          mimetype,
          size: bytes.length,
        })),
      };
    },
  };
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
