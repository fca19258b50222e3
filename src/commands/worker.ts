import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { ALL_QUEUES, assertClusterName, readerNamespaces, startClusterAgent } from "../cluster/agent.js";
import { policyForCluster } from "../cluster/policy-scope.js";
import { parseEnv } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { redisForRole } from "../dev/local-redis.js";
import { InputError } from "../errors.js";
import { startHealthServer } from "../health/index.js";
import { log } from "../log.js";
import { queueDepthSamples } from "../metrics/queue-depth.js";
import { renderSharedMetrics } from "../metrics/shared.js";
import { createProducerConnection } from "../queue/connection.js";
import { QUEUE_NAMES, type QueueKey, queueKeyOf } from "../queue/keys.js";
import {
  isRedisCluster,
  pipelinePrefix,
  type RedisTarget,
  requireRedisSettings,
} from "../queue/redis-settings.js";
import { settleStarts } from "../queue/settle.js";
import type { PipelineWorkers } from "../queue/worker.js";
import { quietRedisErrors, redisDisplay, redisReadiness, waitFor } from "../server/startup.js";
import { armExitDeadline, CLOSE_MARGIN_SECONDS } from "./shutdown.js";

const USAGE = `usage: k8s-triage worker [--cluster NAME] [--dev-redis] [--queues investigations,remediations,follow-ups,notifications] [--concurrency N]

Runs the investigation and remediation workers until SIGTERM/SIGINT, then stops taking jobs and
lets active ones finish (WORKER_SHUTDOWN_GRACE_SECONDS, default 30) before closing.

  --cluster NAME     run as cluster NAME's agent (default CLUSTER_NAME, "default"): its own Redis
                     scope (QUEUE_PREFIX:NAME), its heartbeat in the registry, jobs of NAME only
  --dev-redis        use REDIS_URL when it answers, else start a local redis-server (development only)
  --queues LIST      consume only these queues (default all: investigations, remediations,
                     follow-ups (@mention questions), notifications (Slack updates of the executor))
  --concurrency N    jobs at once per queue (default: WORKER_CONCURRENCY, 4)

Environment: REDIS_URL (required without --dev-redis; or REDIS_SENTINELS / REDIS_CLUSTER_NODES),
QUEUE_PREFIX, TRIAGE_POLICY_FILE, WORKER_CONCURRENCY, MODEL_CALLS_PER_MINUTE,
INVESTIGATION_RETENTION_HOURS, KUBECONFIG, EXECUTOR_KUBECONFIG, ANTHROPIC_API_KEY, SLACK_BOT_TOKEN,
HEALTH_PORT (default 9090), NOTIFY_VIA (queue: hand Slack updates to the notifications queue,
consumed by serve; a cluster agent without a Slack token), CLUSTER_NAME, AGENT_HEARTBEAT_SECONDS
(default 15), PROMETHEUS_URL.`;

function parseQueues(value: string | undefined): QueueKey[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => queueKeyOf(name) === undefined);
  if (unknown.length > 0 || names.length === 0) {
    throw new InputError(
      "WORKER_QUEUES",
      `unknown queue(s) ${unknown.join(", ")}; use ${Object.values(QUEUE_NAMES).join(",")}`,
    );
  }
  return names.map((name) => queueKeyOf(name) as QueueKey);
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
      cluster: { type: "string" },
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
  const stopping = new AbortController();
  const stopped = untilSignal().then((signal) => {
    stopping.abort();
    return signal;
  });
  const stopSignal = stopping.signal;
  const parsedEnv = parseEnv();
  const cluster = values.cluster ?? parsedEnv.CLUSTER_NAME;
  assertClusterName(cluster);
  // Every message this agent posts or hands on names its cluster.
  const env = { ...parsedEnv, CLUSTER_NAME: cluster };
  const policy = loadPolicy(env.TRIAGE_POLICY_FILE);
  // Without a Slack token the notifications queue is central's to consume: never our own.
  const queues =
    parseQueues(values.queues) ??
    (env.NOTIFY_VIA === "queue" ? ALL_QUEUES.filter((key) => key !== "notifications") : undefined);
  const concurrency = values.concurrency === undefined ? env.WORKER_CONCURRENCY : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new InputError("WORKER_CONCURRENCY", "--concurrency must be an integer from 1 to 64");
  }

  const logger = log.child({ role: "worker" });
  // Bad configuration still fails at once; only an unreachable Redis is waited for.
  const configured = values["dev-redis"] ? undefined : requireRedisSettings(env);
  const prefix = pipelinePrefix(env.QUEUE_PREFIX, configured, cluster);
  // Health first: with Redis away the pod stays alive (/healthz 200) and /readyz names Redis.
  let workers: PipelineWorkers | undefined;
  let scraped: Queue[] = [];
  let probe: Redis | undefined;
  let probeUrl: RedisTarget = configured ?? env.REDIS_URL ?? "";
  const health = await startHealthServer({
    port: env.HEALTH_PORT,
    readiness: {
      redis: () => (probe ? redisReadiness(probe, probeUrl)() : Promise.reject(new Error("starting"))),
      workers: async () => {
        if (!workers) throw new Error("not started yet (waiting for Redis)");
      },
    },
    metrics: async () => {
      if (!workers) throw new Error("workers not started yet (waiting for Redis)");
      return renderSharedMetrics(workers.redis, prefix, () => queueDepthSamples(scraped));
    },
  });
  const redis = values["dev-redis"]
    ? await redisForRole(env.REDIS_URL, { dev: true, log: (line) => logger.info(line) })
    : { url: configured as RedisTarget, stop: async () => {} };
  probeUrl = redis.url;
  probe = createProducerConnection(redis.url, "health");
  quietRedisErrors(probe, logger, "health");
  const answered = await waitFor(`Redis at ${redisDisplay(redis.url)}`, redisReadiness(probe, redis.url), {
    logger,
    signal: stopSignal,
  });
  if (!answered) {
    await health.close();
    probe.disconnect();
    return 0;
  }
  const redisUrl = redis.url;

  // Loaded only now: the real wiring pulls in the Kubernetes client, the agent and Slack.
  const { defaultPipelineDeps } = await import("../roles/index.js");
  const { createClusterReader } = await import("../k8s/kube-reader.js");
  const { loadKubeConfig } = await import("../k8s/kubeconfig.js");
  // The heartbeat's namespace list: what this agent's reader identity can see. Only an
  // investigating agent lists them (routing by namespace needs no more; the executor's narrow
  // identity may not list namespaces at all).
  const investigates = (queues ?? ALL_QUEUES).includes("investigations");
  const namespaceReader = createClusterReader(
    loadKubeConfig({
      ...(env.KUBECONFIG ? { kubeconfig: env.KUBECONFIG } : {}),
      ...(env.KUBE_CONTEXT ? { context: env.KUBE_CONTEXT } : {}),
    }),
  );
  const agent = await startClusterAgent({
    cluster,
    basePrefix: env.QUEUE_PREFIX,
    redisUrl,
    hashTag: isRedisCluster(configured),
    policy,
    // The scoped policy (approvers, limits, automatic rules of this cluster) reaches the deps too.
    deps: (runtime) => defaultPipelineDeps(env, policyForCluster(policy, cluster), runtime),
    concurrency,
    modelCallsPerMinute: env.MODEL_CALLS_PER_MINUTE,
    retentionHours: env.INVESTIGATION_RETENTION_HOURS,
    ...(queues ? { queues } : {}),
    heartbeat: {
      intervalMs: env.AGENT_HEARTBEAT_SECONDS * 1000,
      ...(investigates ? { namespaces: readerNamespaces(namespaceReader) } : {}),
    },
  });
  workers = agent.workers;
  // Probes and Prometheus scrape this port (the Helm chart's liveness/readiness and /metrics).
  const pipeline = workers;
  scraped = [QUEUE_NAMES.investigations, QUEUE_NAMES.remediations].map(
    (name) => new Queue(name, { connection: pipeline.redis, prefix }),
  );
  logger.info("workers started", { cluster, prefix, healthPort: health.port, queues: queues ?? "all" });
  const signal = await stopped;
  log.info("stopping workers", { signal });
  armExitDeadline(env.WORKER_SHUTDOWN_GRACE_SECONDS + CLOSE_MARGIN_SECONDS, log);
  await health.close();
  await settleStarts(scraped);
  await Promise.all(scraped.map((queue) => queue.close()));
  await agent.close(env.WORKER_SHUTDOWN_GRACE_SECONDS * 1000);
  namespaceReader.close();
  probe.disconnect();
  await redis.stop();
  // Everything is closed; should a library still hold a handle, do not hang the pod's shutdown.
  setTimeout(() => {
    log.warn("handles still open after shutdown; exiting");
    process.exit(0);
  }, 5000).unref();
  return 0;
}
