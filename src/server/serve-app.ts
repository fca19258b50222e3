import type { CustomRoute } from "@slack/bolt";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Env } from "../config/env.js";
import type { Policy } from "../config/policy.js";
import { AlertQueue, startAlertWorker } from "../detect/alert-queue.js";
import { alertmanagerRoute, handleAlertGroup } from "../detect/alertmanager-route.js";
import { ConfigError, errorMessage } from "../errors.js";
import { startHealthServer } from "../health/index.js";
import type { Logger } from "../log.js";
import { createRedisMetrics } from "../metrics/registry.js";
import { createProducerConnection, createWorkerConnection, waitReady } from "../queue/connection.js";
import type { Producer } from "../queue/producer.js";
import { pipelinePrefix, requireRedisSettings } from "../queue/redis-settings.js";
import { authorizeApprover } from "../remediation/gate.js";
import { createSlackApp, type SlackApp, type SlackAppOptions } from "../slack/app.js";
import { type Block, sections } from "../slack/blocks/kit.js";
import type { SlackDeps } from "../slack/deps.js";
import { escapeMrkdwn } from "../slack/mrkdwn.js";
import { SlackNotifier } from "../slack/notifier.js";
import { redisOnceGuard } from "../slack/once.js";
import type { SlackPoster } from "../slack/poster.js";
import {
  type CentralClusters,
  createCentralClusters,
  renderCentralMetrics,
  resolveAlertCluster,
} from "./central.js";
import { quietRedisErrors, redisDisplay, redisReadiness, waitFor } from "./startup.js";

/** How to start the serve role (the CLI passes the environment; the demo adds a loopback host). */
export interface ServeAppOptions {
  env: Env;
  policy: Policy;
  /** HTTP port (0 for any free port). */
  port: number;
  host?: string;
  logger: Logger;
  /** Poster tuning (the demo keeps the default pacing). */
  poster?: SlackAppOptions["poster"];
  /**
   * A second listener for /healthz, /readyz and /metrics (the port the Helm chart probes and
   * scrapes, HEALTH_PORT). It starts before anything else, so the pod is alive while Redis or
   * Slack are still away. Omitted: the routes are only on `port`.
   */
  healthPort?: number;
  /**
   * Wait for Redis and Slack instead of failing (the long-running role): retries with a log line
   * per interval until they answer or this signal aborts. Omitted: fail within 10 s.
   */
  waitSignal?: AbortSignal;
  /** How often central closes offline clusters' approval windows (default 30 s; tests go faster). */
  expirySweepMs?: number;
}

/**
 * The running serve role: Bolt on /slack/events plus /alertmanager, /metrics, /healthz, /readyz,
 * and the worker that posts queued Alertmanager groups.
 */
export interface ServeApp {
  slack: SlackApp;
  /** The own cluster's producer (an all-in-one install's only one). */
  producer: Producer;
  /** Every cluster's scope, routing, and the agents' notifications consumers. */
  clusters: CentralClusters;
  redis: Redis;
  /** The bound HTTP port (the health port in Socket Mode). */
  port: number;
  /** The bound health port when `healthPort` was given. */
  healthPort?: number;
  /** Stops taking requests first, then releases the queue and Redis. */
  stop(): Promise<void>;
}

/** The Prometheus handler. */
function metricsRoute(redis: Redis, prefix: string, central: CentralClusters): CustomRoute {
  return {
    path: "/metrics",
    method: ["GET"],
    handler: (_req, res) => {
      renderCentralMetrics(redis, prefix, central).then(
        (text) =>
          res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(text),
        (error: unknown) =>
          res
            .writeHead(503, { "content-type": "text/plain" })
            .end(`metrics unavailable: ${errorMessage(error)}\n`),
      );
    },
  };
}

/**
 * Starts the Slack-facing role. Environment checks are the caller's (see `missingServeEnv`):
 * SLACK_BOT_TOKEN and REDIS_URL (or Sentinel / Cluster settings) must be set.
 */
export async function startServeApp(options: ServeAppOptions): Promise<ServeApp> {
  const { env, policy, logger } = options;
  const redisUrl = requireRedisSettings(env);
  const prefix = pipelinePrefix(env.QUEUE_PREFIX, redisUrl);
  const redis = createProducerConnection(redisUrl, "serve");
  quietRedisErrors(redis, logger, "serve");
  let slackReady = false;
  let centralRef: CentralClusters | undefined;
  const readiness = {
    redis: redisReadiness(redis, redisUrl),
    slack: async () => {
      if (!slackReady) throw new Error("not connected yet (auth.test has not succeeded)");
    },
  };
  const health =
    options.healthPort === undefined
      ? undefined
      : await startHealthServer({
          port: options.healthPort,
          ...(options.host ? { host: options.host } : {}),
          readiness,
          metrics: async () => {
            if (!centralRef) throw new Error("not started yet (waiting for Redis)");
            return renderCentralMetrics(redis, prefix, centralRef);
          },
        });
  if (options.waitSignal) {
    const answered = await waitFor(`Redis at ${redisDisplay(redisUrl)}`, readiness.redis, {
      logger,
      signal: options.waitSignal,
    });
    if (!answered) {
      await health?.close();
      redis.disconnect();
      throw new ConfigError(
        "REDIS_UNREACHABLE",
        `stopped while waiting for Redis at ${redisDisplay(redisUrl)}`,
      );
    }
  } else {
    await waitReady(redis, 10_000);
  }
  const metrics = createRedisMetrics(redis, prefix);
  // Every cluster's scope (the own cluster's is the unscoped layout for `default`); the Slack app
  // works on one store and one producer over all of them, so ids, tokens and follow-ups always go
  // to the cluster they belong to. Follow-ups are a job for that cluster's agent (serve reads no cluster).
  const central = createCentralClusters({
    env,
    policy,
    redis,
    redisUrl,
    logger,
    ...(options.expirySweepMs !== undefined ? { expirySweepMs: options.expirySweepMs } : {}),
  });
  centralRef = central;
  const producer = central.directory.scope(central.directory.ownCluster).producer;
  const deps: SlackDeps = {
    store: central.store,
    producer: central.producer,
    policy,
    authorize: authorizeApprover,
    once: redisOnceGuard(redis, prefix),
    clock: () => new Date(),
    logger,
    readiness,
    followUp: central.followUp,
    clusterName: env.CLUSTER_NAME,
    clusters: central.router,
  };
  const alertLog = logger.child({ component: "alertmanager" });
  const alertQueue = new AlertQueue(redis, prefix);
  // Alert groups are posted by this worker after the webhook answered (see detect/alert-queue).
  const alertConnection = createWorkerConnection(redisUrl, "alerts");
  let alertWorker: Worker | undefined;
  const routes = ({ poster }: { poster: SlackPoster }): CustomRoute[] => {
    alertWorker = startAlertWorker({
      connection: alertConnection,
      prefix,
      log: alertLog,
      handle: (group, receivedAt) =>
        handleAlertGroup(
          {
            policy,
            redis,
            prefix,
            resolveCluster: (group) => resolveAlertCluster(central, group),
            reply: async (channel, threadTs, text) => {
              await poster.post(channel, { text, blocks: sections(escapeMrkdwn(text)) }, threadTs);
            },
            poster: {
              post: (channel, message) =>
                poster.post(channel, { text: message.text, blocks: message.blocks as unknown as Block[] }),
              update: (channel, ts, message) =>
                poster.update(channel, ts, {
                  text: message.text,
                  blocks: message.blocks as unknown as Block[],
                }),
            },
            submit: (trigger) => central.producer.submitTrigger(trigger),
          },
          group,
          receivedAt,
        ),
    });
    return [
      {
        path: "/alertmanager",
        method: ["POST", "GET"],
        handler: alertmanagerRoute({
          token: env.ALERTMANAGER_WEBHOOK_TOKEN,
          queue: alertQueue,
          log: alertLog,
          clusterLabel: env.ALERTMANAGER_CLUSTER_LABEL,
        }),
      },
      metricsRoute(redis, prefix, central),
    ];
  };
  const closeAlerts = async () => {
    await alertWorker?.close().catch(() => undefined);
    await alertQueue.close().catch(() => undefined);
    alertConnection.disconnect();
  };
  const slackOptions: SlackAppOptions = {
    botToken: env.SLACK_BOT_TOKEN as string,
    signingSecret: env.SLACK_SIGNING_SECRET ?? "",
    ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
    ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    customRoutes: routes,
    poster: { ...options.poster, metrics },
  };
  let slack: SlackApp | undefined;
  const connectSlack = async () => {
    slack = await createSlackApp(deps, slackOptions);
  };
  try {
    if (options.waitSignal) {
      // An unreachable Slack is waited out; a refused token fails at once (retrying cannot fix it).
      await waitFor("Slack", connectSlack, {
        logger,
        signal: options.waitSignal,
        retryMs: 3000,
        fatal: (error) => !(error instanceof ConfigError && error.code === "SLACK_UNREACHABLE"),
      });
    } else {
      await connectSlack();
    }
    if (!slack) throw new ConfigError("SLACK_UNREACHABLE", "stopped while waiting for Slack");
  } catch (error) {
    await closeAlerts();
    await central.close();
    await health?.close();
    redis.disconnect();
    throw error;
  }
  slackReady = true;
  const started: SlackApp = slack;
  const { port } = await started.start();
  // The agents' Slack updates (they hold no Slack token), posted with their cluster's policy.
  await central.startNotifications(
    (cluster) =>
      new SlackNotifier({
        poster: started.poster,
        store: central.directory.scope(cluster).store,
        policy: central.router.policyFor(cluster),
        logger: logger.child({ component: "slack-notifier", cluster }),
        clusterName: cluster,
      }),
  );
  return {
    slack: started,
    producer,
    clusters: central,
    redis,
    port,
    ...(health ? { healthPort: health.port } : {}),
    async stop() {
      await health?.close();
      await started
        .stop()
        .catch((error: unknown) => logger.warn("stopping the Slack app", { error: errorMessage(error) }));
      await closeAlerts();
      await central.close();
      await metrics.flush();
      await redis.quit().catch(() => undefined);
    },
  };
}
