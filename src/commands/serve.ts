import { parseArgs } from "node:util";
import { type Env, parseEnv } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { ConfigError, InputError } from "../errors.js";
import { log } from "../log.js";
import { startServeApp } from "../server/serve-app.js";
import { armExitDeadline, CLOSE_MARGIN_SECONDS } from "./shutdown.js";

const USAGE = `usage: k8s-triage serve [--port N]

Runs the Slack app (HTTP receiver on /slack/events, or Socket Mode when SLACK_APP_TOKEN is set),
the Alertmanager webhook (POST /alertmanager), /healthz, /readyz and /metrics, until SIGTERM/SIGINT.

Environment:
  SLACK_BOT_TOKEN        required, xoxb-…
  SLACK_SIGNING_SECRET   required for the HTTP receiver
  SLACK_APP_TOKEN        xapp-…: use Socket Mode instead of HTTP
  SLACK_API_URL          Web API base (default Slack's; a local fake in tests and the demo)
  PORT                   HTTP port (default 3000); --port overrides
  HEALTH_PORT            /healthz, /readyz, /metrics (default 9090; also served on PORT)
  REDIS_URL              required (waited for while it does not answer; /readyz names it), or
                         REDIS_SENTINELS + REDIS_SENTINEL_MASTER, or REDIS_CLUSTER_NODES (README: Redis)
  TRIAGE_POLICY_FILE, ALERTMANAGER_WEBHOOK_TOKEN, QUEUE_PREFIX`;

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
  if (!env.REDIS_URL && !env.REDIS_SENTINELS && !env.REDIS_CLUSTER_NODES) {
    missing.push("REDIS_URL (e.g. redis://127.0.0.1:6379), or REDIS_SENTINELS / REDIS_CLUSTER_NODES");
  }
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
  const logger = log.child({ role: "serve" });
  const waiting = new AbortController();
  const signalled = untilSignal().then((signal) => {
    waiting.abort();
    return signal;
  });
  // Probes and scrapes go to HEALTH_PORT (the chart's `health` port), which answers while Redis
  // and Slack are still being waited for; the same routes are also on PORT.
  const healthPort = env.HEALTH_PORT === port ? undefined : env.HEALTH_PORT;
  let serve: Awaited<ReturnType<typeof startServeApp>>;
  try {
    serve = await startServeApp({
      env,
      policy,
      port,
      logger,
      waitSignal: waiting.signal,
      ...(healthPort === undefined ? {} : { healthPort }),
    });
  } catch (error) {
    if (waiting.signal.aborted) return 0;
    throw error;
  }
  const mode = env.SLACK_APP_TOKEN ? "socket mode" : "http";
  logger.info("serve started", {
    mode,
    port: serve.port,
    healthPort: serve.healthPort,
    bot: serve.slack.bot.userId,
  });
  console.error(
    `k8s-triage serve: ${mode === "http" ? `listening on :${serve.port} (/slack/events)` : `Socket Mode, health on :${serve.port}`}${serve.healthPort ? `; health and metrics on :${serve.healthPort}` : ""}`,
  );

  const signal = await signalled;
  logger.info("stopping", { signal });
  armExitDeadline(2 * CLOSE_MARGIN_SECONDS, logger);
  // Stop taking requests first, then release the queue and Redis: no request is half-handled.
  await serve.stop();
  return 0;
}
