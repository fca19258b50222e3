import type { App } from "@slack/bolt";
import { anyGlob } from "../../../config/glob.js";
import { errorMessage } from "../../../errors.js";
import { type AlertMessageInput, parseAlertMessage } from "../../alerts.js";
import { sections } from "../../blocks/kit.js";
import { archivesLink } from "../../links.js";
import { escapeMrkdwn, link } from "../../mrkdwn.js";
import { REACTIONS } from "../../notifier.js";
import type { ListenerDeps } from "../context.js";

/** The fields of a channel message event this listener reads. */
interface ChannelMessage extends AlertMessageInput {
  subtype?: string;
  channel: string;
  ts: string;
  thread_ts?: string;
  bot_id?: string;
  user?: string;
}

/**
 * Alert threads: a top-level message from an alerting bot (Alertmanager's Slack integration,
 * or any `bot_message`) in one of the policy's incident channels starts an investigation that
 * replies in that alert's thread, with 👀 when picked up. Slack's retries of the same event
 * are dropped (event_id), and the store deduplicates the message itself as well.
 */
export function register(app: App, deps: ListenerDeps): void {
  app.message(async ({ message, body, context }) => {
    const event = message as unknown as ChannelMessage;
    if (!deps.policy.incidentChannels.includes(event.channel)) return;
    if (event.subtype !== undefined && event.subtype !== "bot_message") return;
    if (!event.bot_id) return;
    // Our own posts (including the alerts the Alertmanager webhook posts) are not new alerts.
    if (event.bot_id === context.botId || (event.user && event.user === context.botUserId)) return;
    if (event.thread_ts && event.thread_ts !== event.ts) return;
    const eventId = (body as { event_id?: string }).event_id ?? `${event.channel}:${event.ts}`;
    if (!(await deps.once.claim(`slack-event:${eventId}`, deps.eventTtlSeconds))) {
      deps.logger.info("dropping a retried Slack event", { eventId, retryNum: context.retryNum });
      return;
    }
    const alert = parseAlertMessage(event);
    if (!alert || alert.status === "resolved") {
      deps.logger.debug("message in incident channel is not a firing alert", {
        channel: event.channel,
        ts: event.ts,
      });
      return;
    }
    const namespace = alert.namespace as string;
    let cluster: string | undefined;
    if (deps.clusters) {
      // The channel's default cluster, else the one cluster whose agents see the namespace.
      const routed = await deps.clusters.route({ namespace, channel: event.channel });
      if (!routed.ok) {
        deps.logger.info("alert not routed to a cluster", { namespace, reason: routed.reason });
        await deps.poster
          .post(
            event.channel,
            { text: routed.problem, blocks: sections(escapeMrkdwn(routed.problem)) },
            event.ts,
          )
          .catch(() => undefined);
        return;
      }
      cluster = routed.cluster;
    }
    const policy = deps.clusters && cluster ? deps.clusters.policyFor(cluster) : deps.policy;
    if (!anyGlob(policy.namespaces, namespace)) {
      deps.logger.info("alert names a namespace the policy excludes", { namespace });
      return;
    }
    try {
      const { investigation, joined, duplicate } = await deps.producer.submitTrigger({
        source: "alert-message",
        namespace,
        ...(cluster ? { cluster } : {}),
        ...(alert.target ? { target: alert.target } : {}),
        text: alert.summary,
        slack: { channel: event.channel, threadTs: event.ts },
        dedupKey: `slack-message:${event.channel}:${event.ts}`,
        receivedAt: deps.clock().toISOString(),
      });
      deps.logger.info("alert picked up", {
        investigationId: investigation.id,
        namespace,
        alert: alert.alertname,
        joined,
      });
      if (duplicate) return;
      await deps.poster.react(event.channel, event.ts, REACTIONS.pickedUp);
      const existing = investigation.thread;
      if (joined && existing?.threadTs && existing.threadTs !== event.ts) {
        const url = archivesLink(existing);
        await deps.poster.post(
          event.channel,
          {
            text: `Already investigating ${namespace}; this alert joined that investigation.`,
            blocks: sections(
              `👀 Already investigating *${namespace}*; this alert joined ${link(url, "that investigation")}.`,
            ),
          },
          event.ts,
        );
      }
    } catch (error) {
      deps.logger.error("cannot start investigation for alert", { namespace, error: errorMessage(error) });
      await deps.poster.react(event.channel, event.ts, REACTIONS.failed).catch(() => undefined);
    }
  });
}
