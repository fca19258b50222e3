/**
 * Text safety for Slack mrkdwn. Everything that comes from users, alerts or the cluster (pod
 * names, log lines, model output) goes through `escapeMrkdwn` so it cannot form links, mentions
 * (`<!channel>`) or break formatting; only our own builders produce `<@U…>` and `<url|label>`.
 */

/** Escapes the three characters Slack treats as control characters in mrkdwn and plain text. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Slack user and bot ids: U, W or B followed by uppercase alphanumerics. */
const SLACK_ID = /^[UWB][A-Z0-9]{2,}$/;

/** `<@U…>` for a valid user id; anything else is shown escaped so it cannot ping anyone. */
export function mentionUser(userId: string | undefined): string {
  if (!userId) return "someone";
  return SLACK_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/**
 * Turns the Slack user ids in already-escaped text (a policy reason such as "U0MALLORY is not an
 * approver … (approvers: U0ALICE)") into mentions, so people are shown as people.
 */
export function mentionIds(escaped: string): string {
  return escaped.replace(
    /(^|[\s(,:])(U[A-Z0-9]{2,})(?=$|[\s),.:;])/g,
    (_, before: string, id: string) => `${before}<@${id}>`,
  );
}

/** A link whose label is escaped; the URL must be http(s) or the label is returned alone. */
export function link(url: string | undefined, label: string): string {
  const safeLabel = escapeMrkdwn(label).replace(/\|/g, "¦");
  if (!url || !/^https?:\/\/[^\s<>|]+$/.test(url)) return safeLabel;
  return `<${url}|${safeLabel}>`;
}

/**
 * Inline code: escaped, with backticks replaced so user text cannot close the span early.
 * Newlines become spaces because inline code does not span lines in Slack.
 */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text)
    .replace(/`/g, "ˋ")
    .replace(/\s*\n\s*/g, " ")}\``;
}

/** A fenced block for verbatim multi-line text (logs, diffs); triple backticks inside are defused. */
export function codeBlock(text: string): string {
  return "```" + escapeMrkdwn(text).replace(/```/g, "ˋˋˋ") + "```";
}

/** Slack's date formatting token, so every reader sees the time in their own timezone. */
export function slackDate(iso: string, format = "{date_short_pretty} {time}"): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return escapeMrkdwn(iso);
  const full = new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 16);
  // The fallback (clients without date rendering, transcripts) shows what the format shows.
  const fallback = `${format === "{time}" ? full.slice(11) : full} UTC`;
  return `<!date^${seconds}^${format}|${fallback}>`;
}
