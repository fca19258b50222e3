import type { App, RespondArguments, SlashCommand } from "@slack/bolt";
import { anyGlob } from "../../../config/glob.js";
import type { Trigger } from "../../../domain/investigation.js";
import { errorMessage, TriageError } from "../../../errors.js";
import { DEFAULT_CLUSTER } from "../../../queue/scope.js";
import {
  helpMessage,
  joinedMessage,
  STATUS_LIMIT,
  statusListMessage,
  usageError,
} from "../../blocks/command.js";
import { sections } from "../../blocks/kit.js";
import { statusMessage } from "../../blocks/status.js";
import { parseTriageCommand } from "../../command-parse.js";
import { archivesLink } from "../../links.js";
import { escapeMrkdwn, mentionUser } from "../../mrkdwn.js";
import type { ListenerDeps } from "../context.js";

type Respond = (message: RespondArguments) => Promise<unknown>;

/**
 * `/triage <namespace> [what is wrong] | status | help`. Acks at once; invalid input gets an
 * ephemeral usage message and nothing is enqueued. For an investigation the parent message is
 * posted first, so the trigger already carries its thread and the worker never races to create
 * one; if the request joins a running investigation, that parent is removed again and the user
 * gets a link to the existing thread.
 */
export function register(app: App, deps: ListenerDeps): void {
  app.command(deps.commandName, async ({ command, ack, respond }) => {
    // With many clusters the namespace is checked against the chosen cluster's policy below.
    const parsed = parseTriageCommand(
      command.text,
      deps.clusters && deps.policy.clusterPolicies.length > 0 ? { namespaces: ["*"] } : deps.policy,
    );
    switch (parsed.kind) {
      case "help":
        await ack({ response_type: "ephemeral", ...helpMessage(deps.commandName) });
        return;
      case "invalid":
        await ack({ response_type: "ephemeral", ...usageError(parsed.problem, deps.commandName) });
        return;
      case "status":
        await ack();
        await replyStatus(deps, respond);
        return;
      case "investigate": {
        await ack();
        // Let the acks of requests already waiting go out before this one's Slack and Redis work.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const cluster = await routeCommand(deps, command, respond, parsed);
        if (cluster === null) return;
        await startInvestigation(deps, command, respond, parsed.namespace, parsed.text, cluster);
        return;
      }
    }
  });
}

/**
 * The cluster of a `/triage` (undefined: one cluster, as before), or null when the request was
 * refused with an ephemeral answer (unknown cluster, ambiguous namespace, agent offline, or a
 * namespace the chosen cluster's policy excludes): nothing is posted or enqueued then.
 */
async function routeCommand(
  deps: ListenerDeps,
  command: SlashCommand,
  respond: Respond,
  parsed: { namespace: string; cluster?: string },
): Promise<string | undefined | null> {
  if (!deps.clusters) {
    if (parsed.cluster === undefined || parsed.cluster === (deps.clusterName ?? DEFAULT_CLUSTER))
      return undefined;
    await respond({
      response_type: "ephemeral",
      ...usageError(
        `Unknown cluster ${parsed.cluster}. Known clusters: ${deps.clusterName ?? DEFAULT_CLUSTER}. Nothing was started.`,
        deps.commandName,
      ),
    });
    return null;
  }
  try {
    const routed = await deps.clusters.route({
      namespace: parsed.namespace,
      ...(parsed.cluster !== undefined ? { cluster: parsed.cluster } : {}),
      channel: command.channel_id,
      commandName: deps.commandName,
    });
    if (!routed.ok) {
      deps.logger.info("triage not routed", {
        namespace: parsed.namespace,
        reason: routed.reason,
        user: command.user_id,
      });
      await respond({ response_type: "ephemeral", ...usageError(routed.problem, deps.commandName) });
      return null;
    }
    const allowed = deps.clusters.policyFor(routed.cluster).namespaces;
    if (!anyGlob(allowed, parsed.namespace)) {
      await respond({
        response_type: "ephemeral",
        ...usageError(
          `Triage is not allowed in namespace ${parsed.namespace}${routed.cluster === DEFAULT_CLUSTER ? "" : ` of cluster ${routed.cluster}`} by policy (allowed: ${allowed.join(", ")}).`,
          deps.commandName,
        ),
      });
      return null;
    }
    return routed.cluster;
  } catch (error) {
    deps.logger.error("cannot route triage", { error: errorMessage(error) });
    await respond({
      response_type: "ephemeral",
      text: `Could not tell which cluster to investigate: ${errorMessage(error)}. Nothing was started.`,
    });
    return null;
  }
}

async function replyStatus(deps: ListenerDeps, respond: Respond): Promise<void> {
  try {
    const investigations = await deps.store.recent(STATUS_LIMIT);
    const links = new Map<string, string>();
    for (const item of investigations) {
      const url = archivesLink(item.thread);
      if (url) links.set(item.id, url);
    }
    const agents = deps.clusters ? await deps.clusters.agents() : undefined;
    await respond({ response_type: "ephemeral", ...statusListMessage(investigations, links, agents) });
  } catch (error) {
    deps.logger.error("triage status failed", { error: errorMessage(error) });
    await respond({
      response_type: "ephemeral",
      text: `Could not read investigations: ${errorMessage(error)}`,
    });
  }
}

async function startInvestigation(
  deps: ListenerDeps,
  command: SlashCommand,
  respond: Respond,
  namespace: string,
  text: string | undefined,
  cluster: string | undefined,
): Promise<void> {
  const receivedAt = deps.clock().toISOString();
  const channel = command.channel_id;
  const placeholder = statusMessage(
    {
      id: "pending",
      trigger: {
        source: "slash-command",
        namespace,
        ...(cluster && cluster !== DEFAULT_CLUSTER ? { cluster } : {}),
        requestedBy: command.user_id,
        receivedAt,
        ...(text ? { text } : {}),
      },
      joined: [],
      status: "queued",
      timeline: [],
      createdAt: receivedAt,
      updatedAt: receivedAt,
      proposals: [],
    },
    // The routed cluster names the placeholder too (not the install's own cluster).
    cluster ? { clusterName: cluster } : deps.clusterName ? { clusterName: deps.clusterName } : {},
  );
  let parent: { ts: string; channel: string };
  try {
    parent = await deps.poster.post(channel, placeholder);
  } catch (error) {
    deps.logger.warn("cannot post the investigation parent", { channel, error: errorMessage(error) });
    await respond({ response_type: "ephemeral", text: cannotPostText(error) });
    return;
  }
  const trigger: Trigger = {
    source: "slash-command",
    namespace,
    ...(cluster ? { cluster } : {}),
    requestedBy: command.user_id,
    slack: { channel: parent.channel, threadTs: parent.ts, statusTs: parent.ts },
    dedupKey: `slack-command:${command.trigger_id}`,
    receivedAt,
    ...(text ? { text } : {}),
  };
  try {
    const { investigation, joined } = await deps.producer.submitTrigger(trigger);
    deps.logger.info("triage requested", {
      investigationId: investigation.id,
      namespace,
      user: command.user_id,
      joined,
    });
    if (!joined) return;
    await deps.poster.remove(parent.channel, parent.ts).catch((error: unknown) => {
      deps.logger.warn("cannot remove the duplicate parent", { error: errorMessage(error) });
    });
    const thread = investigation.thread;
    const permalink = thread?.threadTs
      ? await deps.poster.permalink(thread.channel, thread.threadTs)
      : undefined;
    await respond({
      response_type: "ephemeral",
      ...joinedMessage(investigation, permalink ?? archivesLink(thread)),
    });
  } catch (error) {
    deps.logger.error("cannot start investigation", { namespace, error: errorMessage(error) });
    await deps.poster.update(parent.channel, parent.ts, {
      text: `Could not start the investigation of ${namespace}: ${errorMessage(error)}`,
      blocks: sections(
        `❌ Could not start the investigation of *${escapeMrkdwn(namespace)}* for ${mentionUser(command.user_id)}: ${escapeMrkdwn(errorMessage(error))}\nNothing was started; try again in a minute.`,
      ),
    });
  }
}

/**
 * What to tell the user when the parent message could not be posted: /invite only helps when
 * Slack said the bot is not in the channel; when Slack itself is failing, say so.
 */
export function cannotPostText(error: unknown): string {
  const code = error instanceof TriageError ? error.code : "";
  const detail = errorMessage(error);
  if (code === "SLACK_NOT_IN_CHANNEL" || code === "SLACK_CHANNEL_NOT_FOUND" || code === "SLACK_IS_ARCHIVED") {
    return `I could not post in this channel (${detail}). Invite me with /invite, then try again. Nothing was started.`;
  }
  return `Slack is not accepting my messages right now (${detail}). Nothing was started; try again in a minute.`;
}
