import { createHmac, randomBytes } from "node:crypto";

/**
 * Correctly signed requests shaped like Slack's (slash commands, Events API callbacks, block
 * actions) for the real Bolt receiver: used by tests, the bench and the offline demo, which have
 * no Slack to send them.
 */

/** Signs a body the way Slack does: v0=HMAC-SHA256(secret, "v0:<timestamp>:<body>"). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SendOptions {
  /** Override the signing secret (a wrong one proves verification). */
  secret?: string;
  /** Seconds since the epoch (a stale one proves the replay window). */
  timestamp?: number;
  /** X-Slack-Retry-Num, as Slack sends on redelivery. */
  retryNum?: number;
  retryReason?: string;
}

/** A signed request to the Bolt receiver, shaped like Slack's. */
export class SlackSender {
  constructor(
    readonly url: string,
    readonly secret: string,
  ) {}

  async send(body: string, contentType: string, options: SendOptions = {}): Promise<Response> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      "content-type": contentType,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(options.secret ?? this.secret, timestamp, body),
    };
    if (options.retryNum !== undefined) {
      headers["x-slack-retry-num"] = String(options.retryNum);
      headers["x-slack-retry-reason"] = options.retryReason ?? "http_timeout";
    }
    return fetch(this.url, { method: "POST", headers, body });
  }

  /** A slash command (application/x-www-form-urlencoded, as Slack posts it). */
  command(fields: CommandFields, options?: SendOptions) {
    const body = new URLSearchParams(commandPayload(fields)).toString();
    return this.send(body, "application/x-www-form-urlencoded", options);
  }

  /** An Events API event_callback (JSON). */
  event(event: Record<string, unknown>, eventId: string, options?: SendOptions) {
    return this.send(JSON.stringify(eventPayload(event, eventId)), "application/json", options);
  }

  /** A block_actions interaction on a button (form field `payload` holding JSON). */
  action(fields: ActionFields, options?: SendOptions) {
    return this.send(
      new URLSearchParams({ payload: JSON.stringify(actionPayload(fields)) }).toString(),
      "application/x-www-form-urlencoded",
      options,
    );
  }
}

/** What a test or the demo chooses about a slash command; the rest is filled in as Slack does. */
export interface CommandFields {
  text: string;
  user?: string;
  channel?: string;
  responseUrl: string;
  command?: string;
}

/** What a test or the demo chooses about a button click. */
export interface ActionFields {
  actionId: string;
  value: string;
  user: string;
  channel: string;
  messageTs: string;
  threadTs?: string;
  responseUrl: string;
}

/**
 * A slash command's fields as Slack sends them: the form body over HTTP, the envelope's
 * `payload` object in Socket Mode (every value a string in both).
 */
export function commandPayload(fields: CommandFields): Record<string, string> {
  return {
    token: "legacy-verification-token",
    team_id: "T0FAKE",
    team_domain: "fake",
    channel_id: fields.channel ?? "C0OPS",
    channel_name: "ops",
    user_id: fields.user ?? "U0ALICE",
    user_name: "alice",
    command: fields.command ?? "/triage",
    text: fields.text,
    api_app_id: "A0TRIAGE",
    is_enterprise_install: "false",
    response_url: fields.responseUrl,
    trigger_id: `${Date.now()}.${randomBytes(4).toString("hex")}`,
  };
}

/** An Events API event_callback around `event` (the HTTP body, or a Socket Mode `payload`). */
export function eventPayload(event: Record<string, unknown>, eventId: string): Record<string, unknown> {
  return {
    token: "legacy-verification-token",
    team_id: "T0FAKE",
    api_app_id: "A0TRIAGE",
    event,
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: "T0FAKE",
        user_id: "U0TRIAGEBOT",
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(8).toString("hex")}`,
  };
}

/** A block_actions payload for a button click (the form's `payload` JSON, or a Socket Mode `payload`). */
export function actionPayload(fields: ActionFields): Record<string, unknown> {
  // Real response_urls are opaque; the fake reads who clicked where from these parameters.
  const respondTo = new URL(fields.responseUrl);
  respondTo.searchParams.set("user", fields.user);
  respondTo.searchParams.set("channel", fields.channel);
  return {
    type: "block_actions",
    user: {
      id: fields.user,
      username: fields.user.toLowerCase(),
      name: fields.user.toLowerCase(),
      team_id: "T0FAKE",
    },
    api_app_id: "A0TRIAGE",
    token: "legacy-verification-token",
    container: {
      type: "message",
      message_ts: fields.messageTs,
      channel_id: fields.channel,
      is_ephemeral: false,
    },
    trigger_id: `${Date.now()}.${randomBytes(4).toString("hex")}`,
    team: { id: "T0FAKE", domain: "fake" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: fields.channel, name: "ops" },
    message: {
      type: "message",
      user: "U0TRIAGEBOT",
      bot_id: "B0TRIAGEBOT",
      ts: fields.messageTs,
      ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}),
      text: "Proposed fix",
    },
    state: { values: {} },
    response_url: respondTo.toString(),
    actions: [
      {
        action_id: fields.actionId,
        block_id: "proposal-decision",
        text: { type: "plain_text", text: "Approve", emoji: true },
        value: fields.value,
        style: "primary",
        type: "button",
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}
