import type { SlackThread } from "../domain/investigation.js";

/**
 * A link to a thread without an API call: Slack resolves `/archives/<channel>/p<ts>` for members
 * of the workspace. Used for lists (status, App Home), where one chat.getPermalink per row
 * would cost a rate-limited call each.
 */
export function archivesLink(
  thread: SlackThread | undefined,
  base = "https://slack.com",
): string | undefined {
  const ts = thread?.threadTs ?? thread?.statusTs;
  if (!thread || !ts || !/^[A-Z0-9]+$/.test(thread.channel) || !/^\d+\.\d+$/.test(ts)) return undefined;
  return `${base}/archives/${thread.channel}/p${ts.replace(".", "")}`;
}
