import type { App } from "@slack/bolt";
import { anyGlob } from "../../../config/glob.js";
import type { Investigation, Trigger } from "../../../domain/investigation.js";
import { errorMessage } from "../../../errors.js";
import { DEFAULT_CLUSTER } from "../../../queue/scope.js";
import { usageError } from "../../blocks/command.js";
import { type SlackMessage, sections } from "../../blocks/kit.js";
import { parseTriageCommand } from "../../command-parse.js";
import { escapeMrkdwn } from "../../mrkdwn.js";
import type { ListenerDeps } from "../context.js";

/** How many recent investigations are searched for a thread that has no pointer. */
const THREAD_LOOKUP_LIMIT = 200;
const REINVESTIGATE = /^(re-?investigate|re-?run|again|retry)\b/i;

interface MentionEvent {
  user?: string;
  text: string;
  channel: string;
  ts: string;
  thread_ts?: string;
}

function reply(text: string): SlackMessage {
  return { text, blocks: sections(escapeMrkdwn(text)) };
}

/**
 * @mentions. In an investigation's thread: "re-investigate" starts a fresh investigation of the
 * same scope in that thread; anything else is a follow-up question answered in the thread's
 * context (when an answerer is configured). Outside a thread, `@bot <namespace> [what is wrong]`
 * works like `/triage` and replies in a thread under the mention.
 */
export function register(app: App, deps: ListenerDeps): void {
  app.event("app_mention", async ({ event, body, context }) => {
    const mention = event as unknown as MentionEvent;
    if (!mention.user) return;
    const eventId = (body as { event_id?: string }).event_id ?? `${mention.channel}:${mention.ts}`;
    if (!(await deps.once.claim(`slack-event:${eventId}`, deps.eventTtlSeconds))) {
      deps.logger.info("dropping a retried Slack event", { eventId, retryNum: context.retryNum });
      return;
    }
    const text = mention.text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, " ").trim();
    const threadTs = mention.thread_ts ?? mention.ts;
    try {
      const investigation = mention.thread_ts
        ? await findByThread(deps, mention.channel, mention.thread_ts)
        : undefined;
      if (investigation) {
        if (REINVESTIGATE.test(text)) {
          // Same scope, same cluster: a re-investigation never moves to another cluster.
          const cluster = investigation.trigger.cluster;
          const routed = await routeMention(
            deps,
            mention,
            investigation.trigger.namespace,
            cluster ?? DEFAULT_CLUSTER,
          );
          if (routed === null) return;
          await submit(
            deps,
            mention,
            investigation.trigger.namespace,
            text,
            investigation.trigger.target,
            cluster,
          );
        } else {
          await answer(deps, mention, investigation, text);
        }
        return;
      }
      const parsed = parseTriageCommand(
        text,
        deps.clusters && deps.policy.clusterPolicies.length > 0 ? { namespaces: ["*"] } : deps.policy,
      );
      if (parsed.kind === "investigate") {
        const cluster = await routeMention(deps, mention, parsed.namespace, parsed.cluster);
        if (cluster === null) return;
        await submit(deps, mention, parsed.namespace, parsed.text, undefined, cluster);
      } else {
        const problem =
          parsed.kind === "invalid" ? parsed.problem : "Tell me which namespace to investigate.";
        await deps.poster.post(mention.channel, usageError(problem, "@mention"), threadTs);
      }
    } catch (error) {
      deps.logger.error("mention failed", { channel: mention.channel, error: errorMessage(error) });
      await deps.poster
        .post(mention.channel, reply(`Sorry, that failed: ${errorMessage(error)}`), threadTs)
        .catch(() => undefined);
    }
  });
}

async function findByThread(
  deps: ListenerDeps,
  channel: string,
  threadTs: string,
): Promise<Investigation | undefined> {
  const pointed = await deps.store.findByThread?.(channel, threadTs);
  if (pointed) return pointed;
  // Records written before threads had pointers (an upgrade mid-incident) are still found here.
  const recent = await deps.store.recent(THREAD_LOOKUP_LIMIT);
  return recent.find((item) => item.thread?.channel === channel && item.thread.threadTs === threadTs);
}

/**
 * The cluster of a mention's request (undefined: one cluster, as before), or null when it was
 * refused with a reply in the thread (unknown cluster, ambiguous namespace, agent offline).
 */
async function routeMention(
  deps: ListenerDeps,
  mention: MentionEvent,
  namespace: string,
  cluster: string | undefined,
): Promise<string | undefined | null> {
  const threadTs = mention.thread_ts ?? mention.ts;
  if (!deps.clusters) {
    if (cluster === undefined || cluster === (deps.clusterName ?? DEFAULT_CLUSTER)) return undefined;
    await deps.poster.post(
      mention.channel,
      reply(`Unknown cluster ${cluster}. Nothing was started.`),
      threadTs,
    );
    return null;
  }
  const routed = await deps.clusters.route({
    namespace,
    ...(cluster !== undefined ? { cluster } : {}),
    channel: mention.channel,
    commandName: "@mention",
  });
  if (!routed.ok) {
    await deps.poster.post(mention.channel, reply(routed.problem), threadTs);
    return null;
  }
  const allowed = deps.clusters.policyFor(routed.cluster).namespaces;
  if (!anyGlob(allowed, namespace)) {
    await deps.poster.post(
      mention.channel,
      reply(
        `Triage is not allowed in namespace ${namespace} of cluster ${routed.cluster} by policy (allowed: ${allowed.join(", ")}).`,
      ),
      threadTs,
    );
    return null;
  }
  return routed.cluster;
}

async function submit(
  deps: ListenerDeps,
  mention: MentionEvent,
  namespace: string,
  text: string | undefined,
  target?: Investigation["trigger"]["target"],
  cluster?: string,
): Promise<void> {
  const trigger: Trigger = {
    source: "mention",
    namespace,
    ...(cluster ? { cluster } : {}),
    requestedBy: mention.user as string,
    slack: { channel: mention.channel, threadTs: mention.thread_ts ?? mention.ts },
    dedupKey: `slack-message:${mention.channel}:${mention.ts}`,
    receivedAt: deps.clock().toISOString(),
    ...(text ? { text } : {}),
    ...(target ? { target } : {}),
  };
  const { investigation, joined, duplicate } = await deps.producer.submitTrigger(trigger);
  if (duplicate) return;
  const threadTs = mention.thread_ts ?? mention.ts;
  const message = joined
    ? reply(`${namespace} is already being investigated (${investigation.status}); your request joined it.`)
    : reply(`On it: investigating ${namespace}. Results follow in this thread.`);
  await deps.poster.post(mention.channel, message, threadTs);
}

async function answer(
  deps: ListenerDeps,
  mention: MentionEvent,
  investigation: Investigation,
  question: string,
): Promise<void> {
  const threadTs = mention.thread_ts ?? mention.ts;
  if (!deps.followUp) {
    await deps.poster.post(
      mention.channel,
      reply(
        "Follow-up questions need the model (ANTHROPIC_API_KEY is not set). Say “re-investigate” to run the triage again.",
      ),
      threadTs,
    );
    return;
  }
  const text = await deps.followUp({
    investigation,
    question,
    userId: mention.user as string,
    channel: mention.channel,
    threadTs,
  });
  if (text !== undefined)
    await deps.poster.post(mention.channel, { text, blocks: sections(escapeMrkdwn(text)) }, threadTs);
}
