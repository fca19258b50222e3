import { parseArgs } from "node:util";
import type { Redis } from "ioredis";
import { assertClusterName, readerNamespaces } from "../cluster/agent.js";
import { startHeartbeat } from "../cluster/heartbeat.js";
import { policyForCluster } from "../cluster/policy-scope.js";
import { AgentRegistry } from "../cluster/registry.js";
import { parseEnv } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { DetectState } from "../detect/detect-state.js";
import { createEventHandler, readerOwnerLookup } from "../detect/event-watcher.js";
import { runWatchLoop } from "../detect/watch-loop.js";
import { redisForRole } from "../dev/local-redis.js";
import type { KubeEvent } from "../domain/kube.js";
import { startHealthServer } from "../health/index.js";
import { createClusterReader } from "../k8s/kube-reader.js";
import { loadKubeConfig } from "../k8s/kubeconfig.js";
import { log } from "../log.js";
import { createRedisMetrics } from "../metrics/registry.js";
import { renderSharedMetrics } from "../metrics/shared.js";
import { createProducerConnection, createWorkerConnection } from "../queue/connection.js";
import { Producer } from "../queue/producer.js";
import {
  isRedisCluster,
  pipelinePrefix,
  type RedisTarget,
  requireRedisSettings,
} from "../queue/redis-settings.js";
import { DEFAULT_CLUSTER } from "../queue/scope.js";
import { quietRedisErrors, redisDisplay, redisReadiness, waitFor } from "../server/startup.js";
import { armExitDeadline, CLOSE_MARGIN_SECONDS } from "./shutdown.js";

const USAGE = `usage: k8s-triage watcher [--cluster NAME] [--kubeconfig F] [--context C] [--dev-redis]

Watches Warning events in every namespace the policy allows and starts one investigation per
incident (per owning workload), honouring the policy's selectors, rate limits and cooldowns.
State (resume point, handled events, cooldowns) lives in Redis, so a restart neither repeats
nor forgets. Stops on SIGTERM/SIGINT.

  --cluster NAME   the cluster this watcher watches (default CLUSTER_NAME, "default"): its
                   investigations go to that cluster's queue and agents
  --kubeconfig F   kubeconfig to read with (default: KUBECONFIG, ~/.kube/config, or in-cluster)
  --context C      kubeconfig context (default: KUBE_CONTEXT or the current context)
  --dev-redis      use REDIS_URL when it answers, else start a local redis-server (development)

Environment: REDIS_URL (waited for while it does not answer; /readyz names it; or REDIS_SENTINELS /
REDIS_CLUSTER_NODES), QUEUE_PREFIX,
TRIAGE_POLICY_FILE, HEALTH_PORT (default 9090).`;

/** Sorts events oldest first so a backlog is handled in the order it happened. */
function byTime(a: KubeEvent, b: KubeEvent): number {
  return Date.parse(a.lastTimestamp ?? "") - Date.parse(b.lastTimestamp ?? "");
}

/** `k8s-triage watcher`: the detection role. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      kubeconfig: { type: "string" },
      context: { type: "string" },
      cluster: { type: "string" },
      "dev-redis": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const env = parseEnv();
  const cluster = values.cluster ?? env.CLUSTER_NAME;
  assertClusterName(cluster);
  // The policy as this cluster sees it: its namespaces, routes and automatic rules only.
  const policy = policyForCluster(loadPolicy(env.TRIAGE_POLICY_FILE), cluster);
  const logger = log.child({ component: "watcher" });
  // Bad configuration still fails at once; only an unreachable Redis is waited for.
  const configured = values["dev-redis"] ? undefined : requireRedisSettings(env);
  const prefix = pipelinePrefix(env.QUEUE_PREFIX, configured, cluster);
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    logger.info("stopping watcher", { signal });
    armExitDeadline(2 * CLOSE_MARGIN_SECONDS, logger);
    controller.abort();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // Health first: with Redis away the pod stays alive (/healthz 200) and /readyz names Redis.
  let stateRedisRef: Redis | undefined;
  let redisUrl: RedisTarget = configured ?? env.REDIS_URL ?? "";
  const health = await startHealthServer({
    port: env.HEALTH_PORT,
    readiness: {
      redis: () =>
        stateRedisRef ? redisReadiness(stateRedisRef, redisUrl)() : Promise.reject(new Error("starting")),
    },
    metrics: async () => {
      if (!stateRedisRef) throw new Error("not started yet (waiting for Redis)");
      return renderSharedMetrics(stateRedisRef, prefix);
    },
  });
  const redis = values["dev-redis"]
    ? await redisForRole(env.REDIS_URL, { dev: true, log: (line) => logger.info(line) })
    : { url: configured as RedisTarget, stop: async () => {} };
  redisUrl = redis.url;
  const kubeconfig = values.kubeconfig ?? env.KUBECONFIG;
  const context = values.context ?? env.KUBE_CONTEXT;
  const reader = createClusterReader(
    loadKubeConfig({ ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}) }),
  );
  // The watcher's own state survives Redis hiccups (it retries); producers fail fast instead.
  const stateRedis = createWorkerConnection(redisUrl, "watcher");
  quietRedisErrors(stateRedis, logger, "watcher");
  stateRedisRef = stateRedis;
  const answered = await waitFor(`Redis at ${redisDisplay(redisUrl)}`, redisReadiness(stateRedis, redisUrl), {
    logger,
    signal: controller.signal,
  });
  if (!answered) {
    await health.close();
    stateRedis.disconnect();
    reader.close();
    return 0;
  }
  const producerRedis = createProducerConnection(redisUrl, "watcher-producer");
  quietRedisErrors(producerRedis, logger, "watcher-producer");
  const producer = new Producer({
    redis: producerRedis,
    prefix,
    retentionHours: env.INVESTIGATION_RETENTION_HOURS,
    metrics: createRedisMetrics(stateRedis, prefix, cluster === DEFAULT_CLUSTER ? {} : { cluster }),
    ...(cluster === DEFAULT_CLUSTER ? {} : { cluster }),
  });
  const heartbeat = await startHeartbeat({
    registry: new AgentRegistry(stateRedis, env.QUEUE_PREFIX, { hashTag: isRedisCluster(configured) }),
    cluster,
    roles: ["watcher"],
    namespaces: readerNamespaces(reader),
    intervalMs: env.AGENT_HEARTBEAT_SECONDS * 1000,
    logger,
  });
  const state = new DetectState(stateRedis, prefix);
  const handle = createEventHandler({
    policy,
    state,
    owners: readerOwnerLookup(reader),
    // The watcher knows its own cluster: every trigger names it.
    submit: (trigger) =>
      producer.submitTrigger(cluster === DEFAULT_CLUSTER ? trigger : { ...trigger, cluster }),
    log: logger,
  });
  logger.info("watching Warning events", { cluster, server: reader.server, namespaces: policy.namespaces });
  await runWatchLoop({
    reader,
    listWithVersion: async (plural, options) => {
      const listed = await reader.listWithVersion(plural, options);
      return { items: listed.items as KubeEvent[], resourceVersion: listed.resourceVersion };
    },
    state,
    signal: controller.signal,
    log: logger,
    onEvent: async (event) => {
      const outcome = await handle(event);
      logger.debug("event", { event: event.metadata.name, ...outcome });
    },
    onBacklog: async (events) => {
      for (const event of [...events].sort(byTime)) await handle(event);
    },
  });
  await heartbeat.stop();
  await health.close();
  await producer.investigations.close();
  await producer.remediations.close();
  reader.close();
  stateRedis.disconnect();
  producerRedis.disconnect();
  await redis.stop();
  return 0;
}
