import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { ClusterScope } from "../cluster/index.js";
import {
  ClusterDirectory,
  ClusterRouter,
  investigationCluster,
  MultiClusterProducer,
  MultiClusterStore,
  sweepOfflineExpiries,
} from "../cluster/index.js";
import type { Env } from "../config/env.js";
import type { Policy } from "../config/policy.js";
import type { AlertGroup } from "../detect/alertmanager.js";
import type { InvestigationNotifier } from "../domain/investigation.js";
import { ConfigError, errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import { queueDepthSamples } from "../metrics/queue-depth.js";
import { createRedisMetrics } from "../metrics/registry.js";
import { renderSharedMetrics } from "../metrics/shared.js";
import { createWorkerConnection } from "../queue/connection.js";
import { deliverNotification, enqueueFollowUp } from "../queue/follow-ups.js";
import { QUEUE_NAMES } from "../queue/keys.js";
import { isRedisCluster, type RedisTarget } from "../queue/redis-settings.js";
import { clusterNameProblem, DEFAULT_CLUSTER } from "../queue/scope.js";
import { settleStarts } from "../queue/settle.js";
import type { FollowUpHandler } from "../slack/deps.js";

/**
 * The central role's side of many clusters: the directory of every cluster's scope, routing,
 * the one-store/one-producer view the Slack app works on, follow-ups handed to the right
 * cluster's agent, and a consumer of every cluster's notifications queue (agents hold no Slack
 * token: they hand their Slack updates to this queue, and serve posts them).
 */
export interface CentralClusters {
  directory: ClusterDirectory;
  router: ClusterRouter;
  store: MultiClusterStore;
  producer: MultiClusterProducer;
  /** @mention questions → a follow-up job on the investigation's own cluster. */
  followUp: FollowUpHandler;
  /**
   * Starts consuming every known cluster's notifications queue (and, every `refreshMs`, those of
   * clusters discovered later) with the notifier `notifierFor` builds for that cluster.
   */
  startNotifications(
    notifierFor: (cluster: string) => InvestigationNotifier,
    refreshMs?: number,
  ): Promise<void>;
  close(): Promise<void>;
}

/** The configured cluster list (`CLUSTERS`, comma-separated). */
export function configuredClusters(env: Pick<Env, "CLUSTERS">): string[] {
  const names = (env.CLUSTERS ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const problems = names.flatMap((name) => clusterNameProblem(name) ?? []);
  if (problems.length > 0) throw new ConfigError("CLUSTERS_INVALID", `CLUSTERS: ${problems.join("; ")}`);
  return names;
}

/** Builds the central cluster map on serve's fail-fast connection. */
export function createCentralClusters(options: {
  env: Env;
  policy: Policy;
  redis: Redis;
  /** For the notifications consumers' own (blocking) connection. */
  redisUrl: RedisTarget;
  /** Scopes as Redis Cluster hash tags (`{base:eu-1}`); every agent must use the same. Default: from redisUrl. */
  hashTag?: boolean;
  logger: Logger;
  clock?: () => Date;
  /**
   * How often central closes the approval windows of clusters whose agent is offline (default
   * 30 s; see cluster/expiry-sweep.ts). 0 turns it off.
   */
  expirySweepMs?: number;
}): CentralClusters {
  const { env, redis, logger } = options;
  const directory = new ClusterDirectory({
    redis,
    basePrefix: env.QUEUE_PREFIX,
    // On a Redis Cluster every scope is a hash tag, as the agents' (see pipelinePrefix).
    hashTag: options.hashTag ?? isRedisCluster(options.redisUrl),
    retentionHours: env.INVESTIGATION_RETENTION_HOURS,
    ownCluster: env.CLUSTER_NAME,
    configured: configuredClusters(env),
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    metricsFor: (cluster, prefix) =>
      createRedisMetrics(redis, prefix, cluster === DEFAULT_CLUSTER ? {} : { cluster }),
  });
  const router = new ClusterRouter(directory, options.policy, {
    offlineSeconds: env.AGENT_OFFLINE_SECONDS,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const store = new MultiClusterStore(directory);
  const producer = new MultiClusterProducer(directory, store);
  const consumers = new Map<string, Worker>();
  let connection: Redis | undefined;
  let timer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweep: Promise<void> | undefined;
  const unannounced = new Map<string, string>();
  // One notifier per cluster, shared by its notifications consumer and the expiry sweep.
  const notifiers = new Map<string, InvestigationNotifier>();

  const followUp: FollowUpHandler = async ({ investigation, question, userId, channel, threadTs }) => {
    const cluster = investigationCluster(investigation);
    const routed = await router.route({
      namespace: investigation.trigger.namespace,
      cluster,
      needs: "follow-ups",
    });
    if (!routed.ok) return routed.problem;
    await enqueueFollowUp(directory.scope(cluster).followUps, {
      investigationId: investigation.id,
      question,
      userId,
      channel,
      threadTs,
    });
    return undefined;
  };

  const consume = (cluster: string, notifier: InvestigationNotifier) => {
    if (consumers.has(cluster) || !connection) return;
    const scope = directory.scope(cluster);
    const worker = new Worker(
      QUEUE_NAMES.notifications,
      async (job: Job) => deliverNotification(scope.store, notifier, job.data),
      // One at a time, in queue order: an investigation's updates must reach its thread in the
      // order the agent sent them (the root cause before its fixes, the parent's final edit last).
      { connection, prefix: scope.prefix, concurrency: 1 },
    );
    worker.on("error", (error) =>
      logger.warn("notifications consumer error", { cluster, error: errorMessage(error) }),
    );
    consumers.set(cluster, worker);
    logger.info("consuming a cluster's notifications", { cluster, prefix: scope.prefix });
  };

  return {
    directory,
    router,
    store,
    producer,
    followUp,
    async startNotifications(notifierFor, refreshMs = 5000) {
      connection ??= createWorkerConnection(options.redisUrl, "notifications");
      // A cluster found by any lookup (a /triage, a scrape) is consumed at once; the timer finds
      // agents that register while nobody asks.
      const notifierOf = (cluster: string): InvestigationNotifier => {
        let notifier = notifiers.get(cluster);
        if (!notifier) {
          notifier = notifierFor(cluster);
          notifiers.set(cluster, notifier);
        }
        return notifier;
      };
      directory.onCluster((cluster) => consume(cluster, notifierOf(cluster)));
      const refresh = async () => {
        directory.invalidate();
        await directory.known();
      };
      await refresh();
      await Promise.all([...consumers.values()].map((worker) => worker.waitUntilReady()));
      timer = setInterval(() => {
        refresh().catch((error: unknown) =>
          logger.warn("cluster discovery failed", { error: errorMessage(error) }),
        );
      }, refreshMs);
      timer.unref();
      const sweepMs = options.expirySweepMs ?? 30_000;
      if (sweepMs > 0) {
        sweepTimer = setInterval(() => {
          if (sweep) return;
          sweep = sweepOfflineExpiries({
            directory,
            notifierFor: notifierOf,
            offlineSeconds: env.AGENT_OFFLINE_SECONDS,
            unannounced,
            ...(options.clock ? { clock: options.clock } : {}),
          })
            .then(({ swept, failed }) => {
              for (const item of swept) logger.info("expired proposals of an offline cluster", { ...item });
              for (const item of failed) {
                logger.warn("could not announce expired proposals; retrying next sweep", { ...item });
              }
            })
            .catch((error: unknown) => logger.warn("expiry sweep failed", { error: errorMessage(error) }))
            .finally(() => {
              sweep = undefined;
            });
        }, sweepMs);
        sweepTimer.unref();
      }
    },
    async close() {
      if (timer) clearInterval(timer);
      if (sweepTimer) clearInterval(sweepTimer);
      await sweep;
      await settleStarts([...consumers.values()]);
      await Promise.allSettled([...consumers.values()].map((worker) => worker.close()));
      await directory.close();
      if (connection) {
        await connection.quit().catch(() => undefined);
        connection.disconnect();
      }
    },
  };
}

/**
 * The /metrics body: Redis-kept counters plus queue depth read at scrape time. With many clusters
 * every cluster's series and queues, each labelled with its `cluster`.
 */
export function renderCentralMetrics(
  redis: Redis,
  prefix: string,
  central: CentralClusters,
): Promise<string> {
  // One answer per scrape: undefined while the install is one cluster (series stay unlabelled).
  let resolved: Promise<ClusterScope[] | undefined> | undefined;
  const resolveScopes = () => {
    resolved ??= (async () => {
      if (await central.router.single()) return undefined;
      const clusters = await central.directory.known();
      return clusters.map((cluster) => central.directory.scope(cluster));
    })();
    return resolved;
  };
  return renderSharedMetrics(
    redis,
    prefix,
    async () => {
      const many = await resolveScopes();
      if (!many) {
        const own = central.directory.scope(central.directory.ownCluster).producer;
        return queueDepthSamples([own.investigations, own.remediations]);
      }
      const samples = await Promise.all(
        many.map((scope) =>
          queueDepthSamples([scope.producer.investigations, scope.producer.remediations], scope.cluster),
        ),
      );
      return samples.flat();
    },
    async () =>
      ((await resolveScopes()) ?? []).map((scope) => ({ prefix: scope.prefix, cluster: scope.cluster })),
  );
}

/**
 * The cluster of an Alertmanager group: its cluster label, else routing by namespace. While the
 * install is one cluster, labels are ignored as they always were (kube-prometheus setups often
 * carry a `cluster` external label).
 */
export async function resolveAlertCluster(
  central: CentralClusters,
  group: AlertGroup,
): Promise<{ ok: true; cluster: string; policy: Policy } | { ok: false; problem: string }> {
  const own = central.directory.ownCluster;
  if (await central.router.single()) return { ok: true, cluster: own, policy: central.router.policyFor(own) };
  const routed = await central.router.route({
    namespace: group.namespace,
    ...(group.cluster ? { cluster: group.cluster } : {}),
  });
  if (!routed.ok) return routed;
  return { ok: true, cluster: routed.cluster, policy: central.router.policyFor(routed.cluster) };
}
