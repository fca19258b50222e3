import type { RenderChartOptions } from "../charts/index.js";
import { anyGlob } from "../config/glob.js";
import type { Policy } from "../config/policy.js";
import type { Investigation, InvestigationNotifier, InvestigationUpdate } from "../domain/investigation.js";
import { createLogger, type Logger } from "../log.js";
import { executionMessages } from "./blocks/execution.js";
import { analysisDone } from "./blocks/format.js";
import type { RenderContext } from "./blocks/incident.js";
import type { SlackMessage } from "./blocks/kit.js";
import { sections } from "./blocks/kit.js";
import { evidenceFile, type RcaRenderOptions, rcaMessage } from "./blocks/rca.js";
import { failureMessage, statusMessage } from "./blocks/status.js";
import { planThread, type ThreadPlan } from "./blocks/thread.js";
import type { SlackStore } from "./deps.js";
import { postFilesReply } from "./files-reply.js";
import { escapeMrkdwn } from "./mrkdwn.js";
import {
  type CardContext,
  postProposalCard,
  type ReadyThread,
  refreshProposalCards,
  step,
} from "./notifier-cards.js";
import type { SlackPoster } from "./poster.js";

export interface SlackNotifierOptions {
  poster: SlackPoster;
  store: Pick<SlackStore, "get" | "markNotified" | "wasNotified" | "update">;
  policy: Policy;
  clock?: () => Date;
  logger?: Logger;
  /** `CLUSTER_NAME`, shown on every message. */
  clusterName?: string;
  /** Size and density of chart images (default 720×320 @2x). */
  chartOptions?: RenderChartOptions;
}

/** Reactions on an alert message: picked up, and how it ended. */
export const REACTIONS = { pickedUp: "eyes", done: "white_check_mark", failed: "x" } as const;

/**
 * Posts an investigation's life into its Slack thread: creates the parent (or the status message
 * in an alert's thread) when needed, updates it in place on every phase change, and replies with
 * the triage summary, the RCA (evidence as a file when long), each proposal with its buttons,
 * and execution results. Each message is marked in the store after it is posted, so a retried job
 * re-posts only what is missing; Slack failures surface as DependencyError so the job retries.
 */
export class SlackNotifier implements InvestigationNotifier {
  private readonly poster: SlackPoster;
  private readonly store: SlackNotifierOptions["store"];
  private readonly policy: Policy;
  private readonly clock: () => Date;
  private readonly logger: Logger;
  private readonly context: RenderContext;
  private readonly chartOptions: RenderChartOptions;
  /** Threads this process created, in case a caller passes a record read before we stored it. */
  private readonly threads = new Map<string, ReadyThread>();
  /** What the proposal cards (notifier-cards.ts) need of this notifier. */
  private readonly cards: CardContext;

  constructor(options: SlackNotifierOptions) {
    this.poster = options.poster;
    this.store = options.store;
    this.policy = options.policy;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? createLogger({ component: "slack-notifier" });
    this.context = options.clusterName ? { clusterName: options.clusterName } : {};
    this.chartOptions = options.chartOptions ?? {};
    this.cards = {
      poster: this.poster,
      store: this.store,
      logger: this.logger,
      clock: this.clock,
      contextFor: (investigation) => this.contextFor(investigation),
      plan: (investigation, thread) => this.plan(investigation, thread),
    };
  }

  /** The investigation's own cluster when it names one (many clusters), else the configured one. */
  private contextFor(investigation: Investigation): RenderContext {
    return investigation.trigger.cluster ? { clusterName: investigation.trigger.cluster } : this.context;
  }

  /** How the RCA reply renders: cluster, the policy's real validation windows, fixes left without a card. */
  private rcaOptions(plan: ThreadPlan, investigation: Investigation): RcaRenderOptions {
    const { validationTimeoutSeconds, settleSeconds } = this.policy.remediation;
    return {
      ...this.contextFor(investigation),
      validation: { timeoutSeconds: validationTimeoutSeconds, settleSeconds },
      uncarded: plan.uncarded,
    };
  }

  private plan(investigation: Investigation, thread: ReadyThread): ThreadPlan {
    return planThread(investigation, thread.statusTs !== thread.threadTs);
  }

  async notify(investigation: Investigation, update: InvestigationUpdate): Promise<void> {
    if (update.type === "reply") {
      // An agent's answer (no Slack token there): posted as is, in the thread it was asked in.
      await this.poster.post(
        update.channel,
        { text: update.text, blocks: sections(escapeMrkdwn(update.text)) },
        update.threadTs,
      );
      return;
    }
    const ensured = await this.ensureThread(investigation);
    if (!ensured) {
      this.logger.debug("no Slack destination for investigation", { investigationId: investigation.id });
      return;
    }
    const { thread, created } = ensured;
    switch (update.type) {
      case "status":
      case "triage":
        // The triage no longer has a reply of its own: the parent and the RCA reply carry it.
        break;
      case "rca":
        await this.postRca(investigation, thread);
        break;
      case "proposal":
        await postProposalCard(this.cards, investigation, thread, update.proposalId);
        break;
      case "execution":
        await this.postExecution(investigation, thread, update.proposalId);
        break;
      case "failed":
        // A fix that did not work is told by its card and its result; only a failed analysis gets a reply.
        if (!investigation.rca)
          await this.postOnce(investigation, "failed", thread, [
            failureMessage(investigation, update.error, this.contextFor(investigation)),
          ]);
        break;
    }
    if (update.type === "status" && analysisDone(investigation.status)) {
      await this.postFiles(investigation, thread);
    }
    if (!created && (update.type === "status" || update.type === "execution" || update.type === "failed")) {
      await this.poster.update(
        thread.channel,
        thread.statusTs,
        statusMessage(investigation, this.contextFor(investigation)),
      );
    }
    if (update.type === "status" || update.type === "execution" || update.type === "failed") {
      await refreshProposalCards(this.cards, investigation, thread);
    }
    await this.reactWhenDone(investigation, thread);
  }

  /** The route channel for investigations that did not start in Slack (watcher, Alertmanager). */
  private route(investigation: Investigation): Policy["routes"][number] | undefined {
    return this.policy.routes.find((route) => anyGlob(route.namespaces, investigation.trigger.namespace));
  }

  private async ensureThread(
    investigation: Investigation,
  ): Promise<{ thread: ReadyThread; created: boolean } | undefined> {
    const known = this.threads.get(investigation.id);
    if (known) return { thread: known, created: false };
    let thread = investigation.thread ?? investigation.trigger.slack;
    if (!thread?.statusTs) {
      // The record may predate the write that stored the thread; the store has the truth.
      const fresh = await this.store.get(investigation.id);
      thread = fresh?.thread ?? thread;
    }
    if (thread?.threadTs && thread.statusTs) {
      return {
        thread: this.remember(investigation.id, {
          ...thread,
          threadTs: thread.threadTs,
          statusTs: thread.statusTs,
        }),
        created: false,
      };
    }
    let ready: ReadyThread;
    if (thread?.threadTs && investigation.trigger.source === "alertmanager") {
      // The bot posted this alert itself: it becomes the answer-first summary, updated in place.
      ready = { channel: thread.channel, threadTs: thread.threadTs, statusTs: thread.threadTs };
      await this.poster.update(
        ready.channel,
        ready.statusTs,
        statusMessage(investigation, this.contextFor(investigation)),
      );
    } else if (thread?.threadTs) {
      // An alert's thread: our status message is the first reply.
      const posted = await this.poster.post(
        thread.channel,
        statusMessage(investigation, this.contextFor(investigation)),
        thread.threadTs,
      );
      ready = { channel: thread.channel, threadTs: thread.threadTs, statusTs: posted.ts };
    } else {
      const route = thread ? undefined : this.route(investigation);
      const channel = thread?.channel ?? route?.channel;
      if (!channel) return undefined;
      // Detected incidents carry their route's choices; others fall back to the route's own.
      const notify =
        investigation.trigger.notify ??
        (route ? { onStart: route.notifyOnStart, onComplete: route.notifyOnComplete } : undefined);
      if (notify) {
        const done = analysisDone(investigation.status);
        if (!done && !notify.onStart) return undefined;
        if (done && !notify.onComplete) return undefined;
      }
      const posted = await this.poster.post(
        channel,
        statusMessage(investigation, this.contextFor(investigation)),
      );
      ready = { channel: posted.channel, threadTs: posted.ts, statusTs: posted.ts };
    }
    await this.store.update(investigation.id, (current) => {
      current.thread = ready;
      return current;
    });
    return { thread: this.remember(investigation.id, ready), created: true };
  }

  private remember(id: string, thread: ReadyThread): ReadyThread {
    if (this.threads.size >= 1000) {
      const oldest = this.threads.keys().next().value;
      if (oldest !== undefined) this.threads.delete(oldest);
    }
    this.threads.set(id, thread);
    return thread;
  }

  /**
   * Posts each message unless already marked; marks after posting (at-least-once, no silent loss).
   * Returns the ts of the last message when this call posted it.
   */
  private async postOnce(
    investigation: Investigation,
    name: string,
    thread: ReadyThread,
    messages: SlackMessage[],
  ): Promise<string | undefined> {
    let last: string | undefined;
    for (const [index, message] of messages.entries()) {
      const key = step(messages.length === 1 ? name : `${name}#${index}`);
      if (await this.store.wasNotified(investigation.id, key)) continue;
      const posted = await this.poster.post(thread.channel, message, thread.threadTs);
      await this.store.markNotified(investigation.id, key);
      if (index === messages.length - 1) last = posted.ts;
    }
    return last;
  }

  private async postRca(investigation: Investigation, thread: ReadyThread): Promise<void> {
    if (!investigation.rca) return;
    const plan = this.plan(investigation, thread);
    await this.postOnce(investigation, "rca", thread, [
      rcaMessage(investigation, this.rcaOptions(plan, investigation)),
    ]);
  }

  /** The files reply (evidence file and charts in one upload), after the cards so the buttons stay on top. */
  private async postFiles(investigation: Investigation, thread: ReadyThread): Promise<void> {
    const plan = this.plan(investigation, thread);
    const key = step("rca-evidence");
    if (!investigation.rca || !plan.filesReply || (await this.store.wasNotified(investigation.id, key)))
      return;
    await postFilesReply(
      {
        poster: this.poster,
        logger: this.logger,
        chartOptions: this.chartOptions,
        context: this.contextFor(investigation),
      },
      {
        investigation,
        thread,
        charts: (investigation.charts ?? []).slice(0, plan.charts),
        ...(plan.attachEvidence
          ? {
              evidence: {
                filename: `evidence-${investigation.id}.txt`,
                title: `Evidence · ${this.contextFor(investigation).clusterName ?? "default"} · ${investigation.trigger.namespace}`,
                content: evidenceFile(investigation, this.rcaOptions(plan, investigation)),
              },
            }
          : {}),
      },
    );
    await this.store.markNotified(investigation.id, key);
  }

  private async postExecution(
    investigation: Investigation,
    thread: ReadyThread,
    proposalId: string,
  ): Promise<void> {
    const record = investigation.proposals.find((candidate) => candidate.proposal.id === proposalId);
    if (!record) return;
    const outcome = record.outcome;
    const phase = `${outcome?.status ?? "started"}:${outcome?.validation?.verdict ?? "-"}:${outcome?.rolledBack ? "rb" : "-"}`;
    await this.postOnce(
      investigation,
      `execution:${proposalId}:${phase}`,
      thread,
      executionMessages(record, this.contextFor(investigation)),
    );
  }

  /** ✅ / ❌ on the alert message once the analysis has finished (alert threads only). */
  private async reactWhenDone(investigation: Investigation, thread: ReadyThread): Promise<void> {
    if (investigation.trigger.source !== "alert-message" || !analysisDone(investigation.status)) return;
    const key = step("reaction:done");
    if (await this.store.wasNotified(investigation.id, key)) return;
    const name = investigation.status === "failed" ? REACTIONS.failed : REACTIONS.done;
    await this.poster.react(thread.channel, thread.threadTs, name);
    await this.store.markNotified(investigation.id, key);
  }
}
