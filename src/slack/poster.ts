import type { types } from "@slack/bolt";
import { createLogger, type Logger } from "../log.js";
import type { MetricsRecorder } from "../metrics/registry.js";
import { SLACK_CHANNEL_BURST } from "./blocks/budget.js";
import type { SlackMessage } from "./blocks/kit.js";
import type { SlackClient } from "./client.js";
import {
  backoffMs,
  classifySlackError,
  platformErrorCode,
  type RetryPolicy,
  slackDependencyError,
} from "./retry.js";
import { type UploadFile, uploadExternal } from "./upload.js";

export type { UploadFile } from "./upload.js";

/** A message Slack accepted. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface PosterOptions {
  client: SlackClient;
  logger?: Logger;
  /** Minimum spacing between writes to one channel (Slack allows about one message per second). */
  channelIntervalMs?: number;
  /** Writes to one channel that may go out at once before pacing starts (default SLACK_CHANNEL_BURST). */
  channelBurst?: number;
  /** Attempts per call, including the first. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected for tests: no real waiting, and the waits can be inspected. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Counts failed calls by method and error (k8s_triage_slack_api_errors_total). */
  metrics?: MetricsRecorder;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Every outbound Slack call goes through here: a per-channel pacing of about one write per
 * second, `Retry-After` on 429, exponential backoff on transient failures, and a typed
 * DependencyError when Slack stays down (retryable) or refuses the request (permanent) — so a
 * queue job retries instead of losing a result. Callers make messages idempotent with
 * `markNotified`; this class never deduplicates on its own.
 */
export class SlackPoster {
  readonly client: SlackClient;
  private readonly logger: Logger;
  private readonly interval: number;
  private readonly burst: number;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly metrics: MetricsRecorder | undefined;
  /** Per channel: the earliest time the next write may start. */
  private readonly nextSlot = new Map<string, number>();

  constructor(options: PosterOptions) {
    this.client = options.client;
    this.logger = options.logger ?? createLogger({ component: "slack-poster" });
    this.interval = options.channelIntervalMs ?? 1000;
    this.burst = Math.max(1, Math.floor(options.channelBurst ?? SLACK_CHANNEL_BURST));
    this.policy = {
      maxAttempts: options.maxAttempts ?? 5,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      random: options.random ?? Math.random,
    };
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics;
  }

  /**
   * Waits for this channel's next write slot; slots are reserved synchronously, so concurrent
   * callers queue up in order. A generic cell rate: `burst` writes may go at once (the parent
   * and the first replies of a thread), after that one per interval, as Slack allows.
   */
  private async pace(channel: string): Promise<void> {
    const now = this.now();
    const due = Math.max(now, this.nextSlot.get(channel) ?? 0);
    const slot = Math.max(now, due - (this.burst - 1) * this.interval);
    this.nextSlot.set(channel, due + this.interval);
    if (this.nextSlot.size > 1000) {
      for (const [key, value] of this.nextSlot) if (value < now) this.nextSlot.delete(key);
    }
    if (slot > now) await this.sleep(slot - now);
  }

  private holdChannel(channel: string, ms: number): void {
    // A 429 empties the burst allowance too: nothing goes out before `until`.
    const until = this.now() + ms + (this.burst - 1) * this.interval;
    if ((this.nextSlot.get(channel) ?? 0) < until) this.nextSlot.set(channel, until);
  }

  /** Runs one Web API call with pacing and retries; `channel` is undefined for non-channel calls. */
  async call<T>(method: string, channel: string | undefined, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      if (channel) await this.pace(channel);
      try {
        return await fn();
      } catch (error) {
        const failure = classifySlackError(error);
        this.metrics?.inc("slackErrors", {
          method,
          error: failure.kind === "permanent" ? failure.code : failure.kind,
        });
        if (failure.kind === "permanent" || attempt >= this.policy.maxAttempts) {
          throw slackDependencyError(method, failure, attempt, error);
        }
        const wait = failure.kind === "rate-limited" ? failure.retryAfterMs : backoffMs(attempt, this.policy);
        this.logger.warn("slack call failed, retrying", {
          method,
          channel,
          attempt,
          waitMs: wait,
          reason: failure.detail,
        });
        if (channel && failure.kind === "rate-limited") this.holdChannel(channel, wait);
        else await this.sleep(wait);
      }
    }
  }

  /** chat.postMessage; in a thread when `threadTs` is given. */
  async post(channel: string, message: SlackMessage, threadTs?: string): Promise<PostedMessage> {
    const result = await this.call("chat.postMessage", channel, () =>
      this.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    return { channel: result.channel ?? channel, ts: result.ts ?? "" };
  }

  /** Posts several messages in order (a split analysis), each paced and retried. */
  async postAll(channel: string, messages: SlackMessage[], threadTs?: string): Promise<PostedMessage[]> {
    const posted: PostedMessage[] = [];
    for (const message of messages) posted.push(await this.post(channel, message, threadTs));
    return posted;
  }

  /** chat.update of one of our messages (status parent, decided proposal). */
  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    // Edits are not posts: Slack's one-message-per-second pacing is for new messages, so edits
    // get their own lane and never delay the next reply.
    await this.call("chat.update", `update:${channel}`, () =>
      this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }),
    );
  }

  /** chat.delete of one of our own messages. */
  async remove(channel: string, ts: string): Promise<void> {
    await this.call("chat.delete", channel, () => this.client.chat.delete({ channel, ts }));
  }

  /** chat.postEphemeral: only `user` sees it. */
  async ephemeral(channel: string, user: string, message: SlackMessage, threadTs?: string): Promise<void> {
    await this.call("chat.postEphemeral", channel, () =>
      this.client.chat.postEphemeral({
        channel,
        user,
        text: message.text,
        blocks: message.blocks,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
  }

  /** reactions.add; an existing reaction counts as success so retries stay idempotent. */
  async react(channel: string, ts: string, name: string): Promise<void> {
    try {
      await this.call("reactions.add", undefined, () =>
        this.client.reactions.add({ channel, timestamp: ts, name }),
      );
    } catch (error) {
      if (platformErrorCode((error as { cause?: unknown }).cause) === "already_reacted") return;
      throw error;
    }
  }

  /** files.uploadV2 (getUploadURLExternal → upload → completeUploadExternal) of a text file into a thread. */
  async uploadText(args: {
    channel: string;
    threadTs: string;
    filename: string;
    title: string;
    content: string;
    comment?: string;
  }): Promise<void> {
    await this.call("files.uploadV2", args.channel, () =>
      this.client.filesUploadV2({
        channel_id: args.channel,
        thread_ts: args.threadTs,
        filename: args.filename,
        title: args.title,
        content: args.content,
        ...(args.comment ? { initial_comment: args.comment } : {}),
      }),
    );
  }

  /**
   * Several files as one message in a thread (getUploadURLExternal → upload → one
   * completeUploadExternal): text files by content, images by bytes with their alt text.
   */
  async uploadFiles(args: {
    channel: string;
    threadTs: string;
    files: UploadFile[];
    comment?: string;
  }): Promise<void> {
    await this.call("files.uploadV2", args.channel, () => uploadExternal(this.client, args));
  }

  /** chat.getPermalink; undefined when Slack cannot say (the caller links without it). */
  async permalink(channel: string, ts: string): Promise<string | undefined> {
    try {
      const result = await this.call("chat.getPermalink", undefined, () =>
        this.client.chat.getPermalink({ channel, message_ts: ts }),
      );
      return result.permalink;
    } catch (error) {
      this.logger.warn("no permalink", { channel, ts, error });
      return undefined;
    }
  }

  /** views.publish of a user's App Home. */
  async publishHome(userId: string, view: types.HomeView): Promise<void> {
    await this.call("views.publish", undefined, () => this.client.views.publish({ user_id: userId, view }));
  }

  /** usergroups.users.list: the members of one user group. */
  async groupMembers(groupId: string): Promise<string[]> {
    const result = await this.call("usergroups.users.list", undefined, () =>
      this.client.usergroups.users.list({ usergroup: groupId }),
    );
    return result.users ?? [];
  }
}
