import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { rcaFromTriage } from "../agent/fallback.js";
import { agentConfigFromEnv, investigateWithModel } from "../agent/index.js";
import { modelValidatorFor } from "../agent/model-validator.js";
import type { Env } from "../config/env.js";
import type { Policy } from "../config/policy.js";
import type { RemediationProposal } from "../domain/actions.js";
import type { InvestigationNotifier } from "../domain/investigation.js";
import { collectSnapshot } from "../k8s/collect.js";
import { createClusterReader } from "../k8s/kube-reader.js";
import { loadKubeConfig } from "../k8s/kubeconfig.js";
import type { Logger } from "../log.js";
import type { MetricsRecorder } from "../metrics/registry.js";
import { prometheusFromEnv, withPrometheus } from "../prometheus/index.js";
import type { AuditTrail } from "../queue/audit.js";
import { automaticProposals } from "../queue/automatic.js";
import type { PipelineDeps } from "../queue/deps.js";
import { queueNotifier } from "../queue/follow-ups.js";
import { QUEUE_NAMES } from "../queue/keys.js";
import { settleStarts } from "../queue/settle.js";
import type { InvestigationStore } from "../queue/store.js";
import type { AuditSink, Clock } from "../remediation/audit.js";
import { createExecutor } from "../remediation/executor.js";
import { runRemediation } from "../remediation/run.js";
import { sections } from "../slack/blocks/kit.js";
import { createSlackClient } from "../slack/client.js";
import { modelFollowUp } from "../slack/follow-up.js";
import { escapeMrkdwn } from "../slack/mrkdwn.js";
import { SlackNotifier } from "../slack/notifier.js";
import { SlackPoster } from "../slack/poster.js";
import { triage } from "../triage/index.js";

/** What the default wiring needs from the running worker. */
export interface DefaultDepsRuntime {
  store: InvestigationStore;
  audit: AuditTrail;
  redis: Redis;
  logger: Logger;
  /** Where the poster's failures and remediation phase durations are counted. */
  metrics?: MetricsRecorder;
}

/** Seams for running the real pipeline against a simulated cluster (the offline demo). */
export interface DefaultDepsOptions {
  /** The cluster's clock for validation deadlines (default the process clock). */
  remediationClock?: Clock;
  /** How validation waits between checks (the demo advances the simulated clock here). */
  remediationSleep?: (ms: number) => Promise<void>;
}

/** Without Slack (CLI, local runs): phase changes become log lines. */
export function logNotifier(logger: Logger): InvestigationNotifier {
  return {
    async notify(investigation, update) {
      logger.info(`investigation ${update.type}`, {
        investigationId: investigation.id,
        namespace: investigation.trigger.namespace,
        status: investigation.status,
        ...(update.type === "failed" ? { error: update.error } : {}),
      });
    },
  };
}

/**
 * The real pipeline: read-only collection with the main kubeconfig, the deterministic triage,
 * Claude when ANTHROPIC_API_KEY is set (else the RCA derived from the triage), the Slack notifier
 * when SLACK_BOT_TOKEN is set (else log lines), and the executor with EXECUTOR_KUBECONFIG.
 */
export function defaultPipelineDeps(
  env: Env,
  policy: Policy,
  runtime: DefaultDepsRuntime,
  options: DefaultDepsOptions = {},
): PipelineDeps {
  const kubeConfig = loadKubeConfig({
    ...(env.KUBECONFIG ? { kubeconfig: env.KUBECONFIG } : {}),
    ...(env.KUBE_CONTEXT ? { context: env.KUBE_CONTEXT } : {}),
  });
  const reader = createClusterReader(kubeConfig);
  const executorConfig = env.EXECUTOR_KUBECONFIG
    ? loadKubeConfig({ kubeconfig: env.EXECUTOR_KUBECONFIG })
    : kubeConfig;
  const executor = createExecutor({ kubeConfig: executorConfig });
  const agentConfig = agentConfigFromEnv(env);
  const poster = env.SLACK_BOT_TOKEN
    ? new SlackPoster({
        client: createSlackClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL),
        ...(runtime.metrics ? { metrics: runtime.metrics } : {}),
      })
    : undefined;
  // The executor has no Slack token under the chart: its updates go through the notifications
  // queue to a worker that posts them.
  const notifications =
    env.NOTIFY_VIA === "queue"
      ? new Queue(QUEUE_NAMES.notifications, { connection: runtime.redis, prefix: runtime.store.keys.prefix })
      : undefined;
  const notifier: InvestigationNotifier = notifications
    ? queueNotifier(notifications)
    : poster
      ? new SlackNotifier({
          poster,
          store: runtime.store,
          policy,
          logger: runtime.logger.child({ component: "slack-notifier" }),
          clusterName: env.CLUSTER_NAME,
        })
      : logNotifier(runtime.logger);
  // Read-only PromQL evidence when PROMETHEUS_URL is set (bounded queries; faults become evidence).
  const prometheus = prometheusFromEnv(env);
  const answer = modelFollowUp(
    env,
    policy,
    runtime.logger.child({ component: "follow-up" }),
    reader,
    prometheus,
  );

  const auditSink =
    (investigationId: string): AuditSink =>
    async (entry) => {
      await runtime.audit.append({
        kind: entry.type === "remediation.validated" ? "validation" : "execution",
        investigationId,
        at: entry.at,
        actor: entry.actor,
        data: { ...entry },
      });
    };

  return {
    collect: withPrometheus(
      (trigger, signal) =>
        collectSnapshot(
          reader,
          trigger.namespace === "*" ? { allNamespaces: true } : { namespace: trigger.namespace },
          {
            signal,
            source: {
              type: "live",
              server: reader.server,
              ...(reader.context ? { context: reader.context } : {}),
            },
          },
        ),
      prometheus,
    ),
    triage: (snapshot, { namespace }) => triage(snapshot, namespace === "*" ? {} : { namespace }),
    analyzeUsesModel: Boolean(agentConfig.apiKey),
    analyze: async ({ triage: result, trigger, signal }) =>
      agentConfig.apiKey
        ? investigateWithModel({
            reader,
            triage: result,
            trigger,
            policy,
            signal,
            config: agentConfig,
            ...(prometheus ? { prometheus } : {}),
            // Only a process that holds the writer identity can dry-run at proposal time; under the
            // chart the analysis worker has the reader identity alone, which a dry run (a write
            // request) would fail with 403 and drop every proposal. The executor dry-runs at approval.
            ...(env.EXECUTOR_KUBECONFIG
              ? { dryRun: (proposal: RemediationProposal) => executor.dryRun(proposal) }
              : {}),
          })
        : rcaFromTriage(result, "no ANTHROPIC_API_KEY is set; deterministic analysis only"),
    notifier,
    remediate: ({ investigation, record, approvedBy, mode }) =>
      runRemediation({
        proposal: record.proposal,
        actor: approvedBy,
        mode,
        executor,
        reader,
        policy,
        investigatedNamespace: investigation.trigger.namespace,
        audit: auditSink(investigation.id),
        // After the explicit criteria, Claude checks the RCA's validation plan when a key is set.
        ...(agentConfig.apiKey && investigation.rca
          ? {
              validate: modelValidatorFor({
                reader,
                rca: investigation.rca,
                trigger: investigation.trigger,
                policy,
                config: agentConfig,
                ...(prometheus ? { prometheus } : {}),
              }),
            }
          : {}),
        ...(options.remediationClock ? { clock: options.remediationClock } : {}),
        ...(options.remediationSleep ? { sleep: options.remediationSleep } : {}),
        observePhase: (phase, seconds) => runtime.metrics?.observe("phaseDuration", { phase }, seconds),
      }),
    autoApprove: (investigation) =>
      automaticProposals(
        runtime.redis,
        `${runtime.store.keys.prefix}:automatic-history`,
        policy,
        investigation,
      ),
    // A cluster agent without a Slack token answers through the notifications queue (central posts).
    ...(poster || notifications
      ? {
          followUp: async ({ investigation, question, userId, channel, threadTs }) => {
            const text = answer
              ? ((await answer({ investigation, question, userId, channel, threadTs })) ?? "")
              : "Follow-up questions need the model (ANTHROPIC_API_KEY is not set on the workers). Say “re-investigate” to run the triage again.";
            if (notifications) {
              await notifier.notify(investigation, {
                type: "reply",
                channel,
                threadTs,
                text: text || "I have no answer to that.",
              });
              return;
            }
            await poster?.post(channel, { text, blocks: sections(escapeMrkdwn(text)) }, threadTs);
          },
        }
      : {}),
    clock: () => new Date(),
    close: async () => {
      reader.close();
      await prometheus?.close();
      if (notifications) {
        await settleStarts([notifications]);
        await notifications.close();
      }
    },
  };
}
