import type { CustomRoute } from "@slack/bolt";
import { Queue, type Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Env } from "../config/env.js";
import type { Policy } from "../config/policy.js";
import { AlertQueue, startAlertWorker } from "../detect/alert-queue.js";
import { alertmanagerRoute, handleAlertGroup } from "../detect/alertmanager-route.js";
import { ConfigError, errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import { queueDepthSamples } from "../metrics/queue-depth.js";
import { createRedisMetrics } from "../metrics/registry.js";
import { renderSharedMetrics } from "../metrics/shared.js";
import { createProducerConnection, createWorkerConnection, waitReady } from "../queue/connection.js";
import { enqueueFollowUp } from "../queue/follow-ups.js";
import { QUEUE_NAMES } from "../queue/keys.js";
import { Producer } from "../queue/producer.js";
import { pipelinePrefix, requireRedisSettings } from "../queue/redis-settings.js";
import { authorizeApprover } from "../remediation/gate.js";
import { createSlackApp, type SlackApp, type SlackAppOptions } from "../slack/app.js";
import type { Block } from "../slack/blocks/kit.js";
import type { FollowUpHandler, SlackDeps } from "../slack/deps.js";
import { redisOnceGuard } from "../slack/once.js";
import type { SlackPoster } from "../slack/poster.js";
import { startHealthServer } from "./health.js";
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
}

/**
 * The running serve role: Bolt on /slack/events plus /alertmanager, /metrics, /healthz, /readyz,
 * and the worker that posts queued Alertmanager groups.
 */
export interface ServeApp {
  slack: SlackApp;
  producer: Producer;
  redis: Redis;
  /** The bound HTTP port (the health port in Socket Mode). */
  port: number;
  /** The bound health port when `healthPort` was given. */
  healthPort?: number;
  /** Stops taking requests first, then releases the queue and Redis. */
  stop(): Promise<void>;
}

/** The Prometheus handler: Redis-kept counters plus queue depth read at scrape time. */
function metricsRoute(redis: Redis, prefix: string, producer: Producer): CustomRoute {
  return {
    path: "/metrics",
    method: ["GET"],
    handler: (_req, res) => {
      renderSharedMetrics(redis, prefix, () =>
        queueDepthSamples([producer.investigations, producer.remediations]),
      ).then(
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
  let producerRef: Producer | undefined;
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
            if (!producerRef) throw new Error("not started yet (waiting for Redis)");
            const started = producerRef;
            return renderSharedMetrics(redis, prefix, () =>
              queueDepthSamples([started.investigations, started.remediations]),
            );
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
  const producer = new Producer({
    redis,
    prefix,
    retentionHours: env.INVESTIGATION_RETENTION_HOURS,
    logger,
    metrics,
  });
  producerRef = producer;
  // Follow-up questions need the cluster (reader identity) and the model: a worker answers them.
  const followUps = new Queue(QUEUE_NAMES.followUps, { connection: redis, prefix });
  const followUp: FollowUpHandler = async ({ investigation, question, userId, channel, threadTs }) => {
    await enqueueFollowUp(followUps, {
      investigationId: investigation.id,
      question,
      userId,
      channel,
      threadTs,
    });
    return undefined;
  };
  const deps: SlackDeps = {
    store: producer.store,
    producer,
    policy,
    authorize: authorizeApprover,
    once: redisOnceGuard(redis, prefix),
    clock: () => new Date(),
    logger,
    readiness,
    followUp,
    clusterName: env.CLUSTER_NAME,
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
            poster: {
              post: (channel, message) =>
                poster.post(channel, { text: message.text, blocks: message.blocks as unknown as Block[] }),
              update: (channel, ts, message) =>
                poster.update(channel, ts, {
                  text: message.text,
                  blocks: message.blocks as unknown as Block[],
                }),
            },
            submit: (trigger) => producer.submitTrigger(trigger),
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
        }),
      },
      metricsRoute(redis, prefix, producer),
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
    await producer.close();
    await followUps.close();
    await health?.close();
    redis.disconnect();
    throw error;
  }
  slackReady = true;
  const started: SlackApp = slack;
  const { port } = await started.start();
  return {
    slack: started,
    producer,
    redis,
    port,
    ...(health ? { healthPort: health.port } : {}),
    async stop() {
      await health?.close();
      await started
        .stop()
        .catch((error: unknown) => logger.warn("stopping the Slack app", { error: errorMessage(error) }));
      await closeAlerts();
      await producer.close();
      await followUps.close();
      await metrics.flush();
      await redis.quit().catch(() => undefined);
    },
  };
}
