import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import { parseEnv } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { redisForRole } from "../dev/local-redis.js";
import { InputError } from "../errors.js";
import { log } from "../log.js";
import { queueDepthSamples } from "../metrics/queue-depth.js";
import { renderMetrics } from "../metrics/registry.js";
import { QUEUE_NAMES } from "../queue/keys.js";
import { startPipelineWorkers } from "../queue/worker.js";
import { startHealthServer } from "../server/health.js";
import { armExitDeadline, CLOSE_MARGIN_SECONDS } from "./shutdown.js";

const USAGE = `usage: k8s-triage worker [--dev-redis] [--queues investigations,remediations] [--concurrency N]

Runs the investigation and remediation workers until SIGTERM/SIGINT, then stops taking jobs and
lets active ones finish (WORKER_SHUTDOWN_GRACE_SECONDS, default 30) before closing.

  --dev-redis        use REDIS_URL when it answers, else start a local redis-server (development only)
  --queues LIST      consume only these queues (default: investigations,remediations)
  --concurrency N    jobs at once per queue (default: WORKER_CONCURRENCY, 4)

Environment: REDIS_URL (required without --dev-redis), QUEUE_PREFIX, TRIAGE_POLICY_FILE,
WORKER_CONCURRENCY, MODEL_CALLS_PER_MINUTE, INVESTIGATION_RETENTION_HOURS, KUBECONFIG,
EXECUTOR_KUBECONFIG, ANTHROPIC_API_KEY, SLACK_BOT_TOKEN, HEALTH_PORT (default 9090).`;

type QueueName = keyof typeof QUEUE_NAMES;

function parseQueues(value: string | undefined): QueueName[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !(name in QUEUE_NAMES));
  if (unknown.length > 0 || names.length === 0) {
    throw new InputError(
      "WORKER_QUEUES",
      `unknown queue(s) ${unknown.join(", ")}; use investigations,remediations`,
    );
  }
  return names as QueueName[];
}

/** Resolves once SIGTERM or SIGINT arrives; a second signal exits at once. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      const force = () => {
        log.warn("second signal: exiting without waiting for active jobs");
        process.exit(130);
      };
      process.once("SIGTERM", force);
      process.once("SIGINT", force);
      resolve(signal);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

/** `k8s-triage worker`: runs the pipeline workers until told to stop; exit 0 on a clean stop. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      "dev-redis": { type: "boolean", default: false },
      queues: { type: "string" },
      concurrency: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // Listen first: a stop requested while starting is honoured as soon as the workers are up.
  const stopped = untilSignal();
  const env = parseEnv();
  const policy = loadPolicy(env.TRIAGE_POLICY_FILE);
  const queues = parseQueues(values.queues);
  const concurrency = values.concurrency === undefined ? env.WORKER_CONCURRENCY : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new InputError("WORKER_CONCURRENCY", "--concurrency must be an integer from 1 to 64");
  }

  const redis = await redisForRole(env.REDIS_URL, {
    dev: values["dev-redis"] === true,
    log: (line) => log.info(line),
  });
  const redisUrl = redis.url;

  // Loaded only now: the real wiring pulls in the Kubernetes client, the agent and Slack.
  const { defaultPipelineDeps } = await import("../queue/default-deps.js");
  const workers = await startPipelineWorkers({
    redisUrl,
    prefix: env.QUEUE_PREFIX,
    policy,
    deps: (runtime) => defaultPipelineDeps(env, policy, runtime),
    concurrency,
    modelCallsPerMinute: env.MODEL_CALLS_PER_MINUTE,
    retentionHours: env.INVESTIGATION_RETENTION_HOURS,
    ...(queues ? { queues } : {}),
  });
  // Probes and Prometheus scrape this port (the Helm chart's liveness/readiness and /metrics).
  const scraped = [QUEUE_NAMES.investigations, QUEUE_NAMES.remediations].map(
    (name) => new Queue(name, { connection: workers.redis, prefix: env.QUEUE_PREFIX }),
  );
  const health = await startHealthServer({
    port: env.HEALTH_PORT,
    readiness: {
      redis: async () => {
        await workers.redis.ping();
      },
    },
    metrics: async () => renderMetrics(workers.redis, env.QUEUE_PREFIX, await queueDepthSamples(scraped)),
  });
  log.info("workers started", { healthPort: health.port, queues: queues ?? "all" });
  const signal = await stopped;
  log.info("stopping workers", { signal });
  armExitDeadline(env.WORKER_SHUTDOWN_GRACE_SECONDS + CLOSE_MARGIN_SECONDS, log);
  await health.close();
  await Promise.all(scraped.map((queue) => queue.close()));
  await workers.close(env.WORKER_SHUTDOWN_GRACE_SECONDS * 1000);
  await redis.stop();
  // Everything is closed; should a library still hold a handle, do not hang the pod's shutdown.
  setTimeout(() => {
    log.warn("handles still open after shutdown; exiting");
    process.exit(0);
  }, 5000).unref();
  return 0;
}
