import type { CustomRoute } from "@slack/bolt";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Env } from "../config/env.js";
import type { Policy } from "../config/policy.js";
import { AlertQueue, startAlertWorker } from "../detect/alert-queue.js";
import { alertmanagerRoute, handleAlertGroup } from "../detect/alertmanager-route.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import { queueDepthSamples } from "../metrics/queue-depth.js";
import { createRedisMetrics, renderMetrics } from "../metrics/registry.js";
import { createProducerConnection, createWorkerConnection, waitReady } from "../queue/connection.js";
import { Producer } from "../queue/producer.js";
import { authorizeApprover } from "../remediation/gate.js";
import { createSlackApp, type SlackApp, type SlackAppOptions } from "../slack/app.js";
import type { Block } from "../slack/blocks/kit.js";
import type { SlackDeps } from "../slack/deps.js";
import { modelFollowUp } from "../slack/follow-up.js";
import { redisOnceGuard } from "../slack/once.js";
import type { SlackPoster } from "../slack/poster.js";

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
  /** Stops taking requests first, then releases the queue and Redis. */
  stop(): Promise<void>;
}

/** The Prometheus handler: Redis-kept counters plus queue depth read at scrape time. */
function metricsRoute(redis: Redis, prefix: string, producer: Producer): CustomRoute {
  return {
    path: "/metrics",
    method: ["GET"],
    handler: (_req, res) => {
      queueDepthSamples([producer.investigations, producer.remediations])
        .then((gauges) => renderMetrics(redis, prefix, gauges))
        .then(
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
 * SLACK_BOT_TOKEN and REDIS_URL must be set.
 */
export async function startServeApp(options: ServeAppOptions): Promise<ServeApp> {
  const { env, policy, logger } = options;
  const prefix = env.QUEUE_PREFIX;
  const redis = createProducerConnection(env.REDIS_URL as string, "serve");
  await waitReady(redis, 10_000);
  const metrics = createRedisMetrics(redis, prefix);
  const producer = new Producer({
    redis,
    prefix,
    retentionHours: env.INVESTIGATION_RETENTION_HOURS,
    logger,
    metrics,
  });
  const followUp = modelFollowUp(env, policy, logger);
  const deps: SlackDeps = {
    store: producer.store,
    producer,
    policy,
    authorize: authorizeApprover,
    once: redisOnceGuard(redis, prefix),
    clock: () => new Date(),
    logger,
    readiness: {
      redis: async () => {
        await redis.ping();
      },
    },
    ...(followUp ? { followUp } : {}),
  };
  const alertLog = logger.child({ component: "alertmanager" });
  const alertQueue = new AlertQueue(redis, prefix);
  // Alert groups are posted by this worker after the webhook answered (see detect/alert-queue).
  const alertConnection = createWorkerConnection(env.REDIS_URL as string, "alerts");
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
  let slack: SlackApp;
  try {
    slack = await createSlackApp(deps, {
      botToken: env.SLACK_BOT_TOKEN as string,
      signingSecret: env.SLACK_SIGNING_SECRET ?? "",
      ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
      ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
      port: options.port,
      ...(options.host ? { host: options.host } : {}),
      customRoutes: routes,
      poster: { ...options.poster, metrics },
    });
  } catch (error) {
    await closeAlerts();
    await producer.close();
    redis.disconnect();
    throw error;
  }
  const { port } = await slack.start();
  return {
    slack,
    producer,
    redis,
    port,
    async stop() {
      await slack
        .stop()
        .catch((error: unknown) => logger.warn("stopping the Slack app", { error: errorMessage(error) }));
      await closeAlerts();
      await producer.close();
      await metrics.flush();
      await redis.quit().catch(() => undefined);
    },
  };
}
