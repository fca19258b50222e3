import { parseArgs } from "node:util";
import type { CustomRoute } from "@slack/bolt";
import { type Env, parseEnv } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { alertmanagerRoute } from "../detect/alertmanager-route.js";
import { ConfigError, errorMessage, InputError } from "../errors.js";
import { log } from "../log.js";
import { renderMetrics } from "../metrics/registry.js";
import { createProducerConnection, waitReady } from "../queue/connection.js";
import { Producer } from "../queue/producer.js";
import { authorizeApprover } from "../remediation/gate.js";
import { createSlackApp } from "../slack/app.js";
import type { Block } from "../slack/blocks/kit.js";
import type { SlackDeps } from "../slack/deps.js";
import { modelFollowUp } from "../slack/follow-up.js";
import { redisOnceGuard } from "../slack/once.js";
import type { SlackPoster } from "../slack/poster.js";

const USAGE = `usage: k8s-triage serve [--port N]

Runs the Slack app (HTTP receiver on /slack/events, or Socket Mode when SLACK_APP_TOKEN is set),
the Alertmanager webhook (POST /alertmanager), /healthz, /readyz and /metrics, until SIGTERM/SIGINT.

Environment:
  SLACK_BOT_TOKEN        required, xoxb-…
  SLACK_SIGNING_SECRET   required for the HTTP receiver
  SLACK_APP_TOKEN        xapp-…: use Socket Mode instead of HTTP
  SLACK_API_URL          Web API base (default Slack's; a local fake in tests and the demo)
  PORT                   HTTP port (default 3000); --port overrides
  REDIS_URL              required
  TRIAGE_POLICY_FILE, ALERTMANAGER_WEBHOOK_TOKEN, QUEUE_PREFIX, ANTHROPIC_API_KEY (follow-ups)`;

/** The variables serve cannot run without, each with what to do about it. */
export function missingServeEnv(env: Env): string[] {
  const missing: string[] = [];
  if (!env.SLACK_BOT_TOKEN) missing.push("SLACK_BOT_TOKEN (the bot token, xoxb-…, from OAuth & Permissions)");
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    missing.push(
      "SLACK_SIGNING_SECRET (Basic Information → Signing Secret), or SLACK_APP_TOKEN for Socket Mode",
    );
  }
  if (env.SLACK_APP_TOKEN && !env.SLACK_APP_TOKEN.startsWith("xapp-")) {
    missing.push("SLACK_APP_TOKEN must be an app-level token (xapp-…) with connections:write");
  }
  if (!env.REDIS_URL) missing.push("REDIS_URL (e.g. redis://127.0.0.1:6379)");
  return missing;
}

/** Resolves on the first SIGTERM or SIGINT. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      resolve(signal);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

/** `k8s-triage serve`: the Slack-facing role; exits 0 after a graceful stop. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const env = parseEnv();
  const missing = missingServeEnv(env);
  if (missing.length > 0) {
    throw new ConfigError(
      "SERVE_ENV",
      `cannot start serve; set:\n${missing.map((line) => `  - ${line}`).join("\n")}`,
    );
  }
  const port = values.port === undefined ? env.PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InputError("SERVE_PORT", "--port must be 0-65535");
  const policy = loadPolicy(env.TRIAGE_POLICY_FILE);
  const prefix = env.QUEUE_PREFIX;
  const logger = log.child({ role: "serve" });

  const redis = createProducerConnection(env.REDIS_URL as string, "serve");
  redis.on("error", (error) => logger.warn("redis connection error", { error: errorMessage(error) }));
  await waitReady(redis, 10_000);
  const producer = new Producer({ redis, prefix, retentionHours: env.INVESTIGATION_RETENTION_HOURS, logger });
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
  const routes = ({ poster }: { poster: SlackPoster }): CustomRoute[] => [
    {
      path: "/alertmanager",
      method: ["POST", "GET"],
      handler: alertmanagerRoute({
        token: env.ALERTMANAGER_WEBHOOK_TOKEN,
        policy,
        redis,
        prefix,
        poster: {
          post: (channel, message) =>
            poster.post(channel, { text: message.text, blocks: message.blocks as unknown as Block[] }),
          update: (channel, ts, message) =>
            poster.update(channel, ts, { text: message.text, blocks: message.blocks as unknown as Block[] }),
        },
        submit: (trigger) => producer.submitTrigger(trigger),
        log: logger.child({ component: "alertmanager" }),
      }),
    },
    {
      path: "/metrics",
      method: ["GET"],
      handler: (_req, res) => {
        renderMetrics(redis, prefix).then(
          (text) =>
            res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(text),
          (error: unknown) =>
            res
              .writeHead(503, { "content-type": "text/plain" })
              .end(`metrics unavailable: ${errorMessage(error)}\n`),
        );
      },
    },
  ];
  const slack = await createSlackApp(deps, {
    botToken: env.SLACK_BOT_TOKEN as string,
    signingSecret: env.SLACK_SIGNING_SECRET ?? "",
    ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
    ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
    port,
    customRoutes: routes,
  });
  const listening = await slack.start();
  const mode = env.SLACK_APP_TOKEN ? "socket mode" : "http";
  logger.info("serve started", { mode, port: listening.port, bot: slack.bot.userId });
  console.error(
    `k8s-triage serve: ${mode === "http" ? `listening on :${listening.port} (/slack/events)` : `Socket Mode, health on :${listening.port}`}`,
  );

  const signal = await untilSignal();
  logger.info("stopping", { signal });
  // Stop taking requests first, then release the queue and Redis: no request is half-handled.
  await slack
    .stop()
    .catch((error: unknown) => logger.warn("stopping the Slack app", { error: errorMessage(error) }));
  await producer.close();
  await redis.quit().catch(() => undefined);
  return 0;
}
