import { escapeMrkdwn } from "../slack/mrkdwn.js";
import type { AlertGroup } from "./alertmanager.js";

/** Slack message (text fallback + Block Kit) for an alert group; pure. */
export interface AlertMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The alert as posted to the routed channel; the investigation replies in its thread. A resolved
 * group re-renders the same message with a green check instead of a second post.
 */
export function alertMessage(group: AlertGroup, at: string): AlertMessage {
  const icon = group.status === "firing" ? "🔥" : "✅";
  const target = group.workload ? `${group.workload.kind.toLowerCase()}/${group.workload.name}` : "namespace";
  const names = group.alertnames.join(", ");
  const headline = `${icon} ${group.status === "firing" ? "FIRING" : "RESOLVED"}: ${names} in ${group.namespace} (${target})`;
  const summary = group.summary ? escapeMrkdwn(clip(group.summary, 2500)) : "_no summary annotation_";
  const context =
    group.status === "firing"
      ? `${group.alerts.length} alert(s) · investigating in this thread`
      : `resolved at ${at} · the investigation thread stays below`;
  return {
    text: headline,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeMrkdwn(headline)}*\n${summary}` } },
      { type: "context", elements: [{ type: "mrkdwn", text: escapeMrkdwn(context) }] },
    ],
  };
}
