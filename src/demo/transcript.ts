import type { FakeSlack, FakeSlackCall } from "../dev/fake-slack.js";

/** One line of the demo's story: something the bot did in Slack, or something the demo did to it. */
export interface TranscriptEvent {
  /** Milliseconds since the demo started. */
  atMs: number;
  kind: "step" | "message" | "reply" | "edit" | "reaction" | "ephemeral" | "response" | "file" | "error";
  channel?: string;
  ts?: string;
  threadTs?: string;
  /** Who an ephemeral message was shown to. */
  user?: string;
  /** `#3` for a channel message, `#3.2` for the second reply in its thread. */
  label?: string;
  text: string;
  /** Labels of the buttons on the message (Approve / Deny). */
  buttons?: string[];
  reaction?: string;
}

const MAX_LINES = 3;
const MAX_WIDTH = 110;

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Labels of every button in a message's blocks, in order. */
export function buttonLabels(blocks: unknown): string[] {
  const labels: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.type === "button") {
      const text = (record.text as { text?: unknown } | undefined)?.text;
      if (typeof text === "string") labels.push(text);
      return;
    }
    for (const value of Object.values(record)) visit(value);
  };
  visit(blocks);
  return labels;
}

/** The first few lines of a message, each cut to the terminal-friendly width. */
function excerpt(text: string): string[] {
  const lines = text
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter(Boolean);
  const shown = lines
    .slice(0, MAX_LINES)
    .map((line) => (line.length > MAX_WIDTH ? `${line.slice(0, MAX_WIDTH - 1)}…` : line));
  if (lines.length > MAX_LINES) shown.push(`… (${lines.length - MAX_LINES} more lines)`);
  return shown.length > 0 ? shown : ["(blocks only)"];
}

/**
 * Turns the fake Slack Web API's calls into a readable channel transcript as they happen:
 * top-level messages, thread replies indented under them, button labels, reactions, and
 * `chat.update`s shown as edits of the message they change. Also keeps every event for `--json`.
 */
export class Transcript {
  readonly events: TranscriptEvent[] = [];
  private readonly labels = new Map<string, string>();
  private readonly replyCounts = new Map<string, number>();
  /** Last known text per message, to tell a real edit from a refresh. */
  private readonly texts = new Map<string, string>();
  private topLevel = 0;

  /** `write` prints one line (undefined: record only, e.g. `--quiet` and `--json`). */
  constructor(
    private readonly write: ((line: string) => void) | undefined,
    private readonly startedAt = performance.now(),
  ) {}

  /** Follows a fake Slack; returns the function that stops following it. */
  attach(fake: FakeSlack): () => void {
    return fake.onCall((call) => this.record(call));
  }

  /** Something the demo itself does (a signed request, a click), shown as a step of the story. */
  step(text: string): void {
    this.emit({ kind: "step", text }, [`▶ ${text}`]);
  }

  /** Milliseconds since the demo started. */
  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  private key(channel: string, ts: string): string {
    return `${channel}/${ts}`;
  }

  private labelOf(channel: string, ts: string | undefined): string {
    return (ts && this.labels.get(this.key(channel, ts))) ?? "a message not posted by the bot";
  }

  private record(call: FakeSlackCall): void {
    const params = call.params;
    const channel = str(params.channel) ?? str(params.channel_id) ?? "";
    if (call.response.ok !== true && call.method !== "response_url") {
      const error = str(call.response.error) ?? `HTTP ${call.status}`;
      this.emit({ kind: "error", channel, text: `${call.method} failed: ${error}` }, [
        `✗ Slack answered ${call.method}: ${error}`,
      ]);
      return;
    }
    switch (call.method) {
      case "chat.postMessage":
        this.posted(channel, str(call.response.ts) ?? "", str(params.thread_ts), params);
        break;
      case "chat.update": {
        const ts = str(params.ts) ?? "";
        const label = this.labelOf(channel, ts);
        const text = str(params.text) ?? "";
        const buttons = buttonLabels(params.blocks);
        const previous = this.texts.get(this.key(channel, ts));
        this.texts.set(this.key(channel, ts), text);
        const shown = previous === text ? "(same text, blocks refreshed)" : `→ ${excerpt(text)[0]}`;
        this.emit({ kind: "edit", channel, ts, label, text, ...(buttons.length ? { buttons } : {}) }, [
          `  ✎ ${label} edited ${shown}`,
          ...(buttons.length ? [`      buttons now: ${buttons.map((b) => `[${b}]`).join(" ")}`] : []),
        ]);
        break;
      }
      case "reactions.add": {
        const ts = str(params.timestamp) ?? "";
        const reaction = str(params.name) ?? "";
        const label = this.labelOf(channel, ts);
        this.emit({ kind: "reaction", channel, ts, label, reaction, text: `:${reaction}:` }, [
          `  + :${reaction}: on ${label}`,
        ]);
        break;
      }
      case "chat.postEphemeral": {
        const user = str(params.user) ?? "";
        const text = str(params.text) ?? "";
        this.emit({ kind: "ephemeral", channel, user, text }, [
          `  (only <@${user}> sees) ${excerpt(text).join(" / ")}`,
        ]);
        break;
      }
      case "response_url": {
        const text = str(params.text) ?? "";
        if (call.to && params.response_type === "ephemeral") {
          const { user, channel: where } = call.to;
          this.emit({ kind: "ephemeral", channel: where, user, text }, [
            `  (only <@${user}> sees) ${excerpt(text).join(" / ")}`,
          ]);
          break;
        }
        this.emit({ kind: "response", text }, [`  (reply to the command) ${excerpt(text).join(" / ")}`]);
        break;
      }
      case "files.completeUploadExternal": {
        const files = Array.isArray(call.response.files)
          ? (call.response.files as { title?: string; filetype?: string; size?: number }[])
          : [];
        // Images are named as such, with their size: the transcript reader cannot see them.
        const text = files
          .map((file) =>
            file.filetype === "png"
              ? `🖼 ${file.title ?? "image"} (PNG, ${Math.round((file.size ?? 0) / 1024)} KB)`
              : (file.title ?? "file"),
          )
          .join(", ");
        const threadTs = str(params.thread_ts);
        this.emit({ kind: "file", channel, ...(threadTs ? { threadTs } : {}), text }, [
          `      📎 ${text} (in ${this.labelOf(channel, threadTs)})`,
        ]);
        break;
      }
      default:
        // auth.test, permalinks, user groups and Home views are plumbing, not conversation.
        break;
    }
  }

  private posted(
    channel: string,
    ts: string,
    threadTs: string | undefined,
    params: Record<string, unknown>,
  ): void {
    const text = str(params.text) ?? "";
    this.texts.set(this.key(channel, ts), text);
    const buttons = buttonLabels(params.blocks);
    const buttonLine = buttons.length ? [`${" ".repeat(8)}${buttons.map((b) => `[${b}]`).join(" ")}`] : [];
    if (threadTs && threadTs !== ts) {
      const parentKey = this.key(channel, threadTs);
      const count = (this.replyCounts.get(parentKey) ?? 0) + 1;
      this.replyCounts.set(parentKey, count);
      const parent = this.labels.get(parentKey) ?? "#?";
      const label = `${parent}.${count}`;
      this.labels.set(this.key(channel, ts), label);
      const [first = "", ...rest] = excerpt(text);
      this.emit(
        { kind: "reply", channel, ts, threadTs, label, text, ...(buttons.length ? { buttons } : {}) },
        [`    ↳ ${label} ${first}`, ...rest.map((line) => `${" ".repeat(8)}${line}`), ...buttonLine],
      );
      return;
    }
    this.topLevel += 1;
    const label = `#${this.topLevel}`;
    this.labels.set(this.key(channel, ts), label);
    const [first = "", ...rest] = excerpt(text);
    this.emit({ kind: "message", channel, ts, label, text, ...(buttons.length ? { buttons } : {}) }, [
      `${channel} ${label} ${first}`,
      ...rest.map((line) => `${" ".repeat(4)}${line}`),
      ...buttonLine,
    ]);
  }

  private emit(event: Omit<TranscriptEvent, "atMs">, lines: string[]): void {
    const atMs = this.elapsedMs();
    this.events.push({ atMs, ...event });
    if (!this.write) return;
    const stamp = `[${(atMs / 1000).toFixed(1).padStart(5)}s]`;
    lines.forEach((line, index) => {
      this.write?.(`${index === 0 ? stamp : " ".repeat(stamp.length)} ${line}`);
    });
  }
}
