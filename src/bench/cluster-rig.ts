import { performance } from "node:perf_hooks";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { rcaFromTriage } from "../agent/fallback.js";
import {
  type ClusterAgent,
  type ClusterDirectory,
  type MultiClusterProducer,
  type MultiClusterStore,
  startClusterAgent,
} from "../cluster/index.js";
import { parseEnv } from "../config/env.js";
import { defaultPolicy } from "../config/policy.js";
import type { Investigation, InvestigationUpdate } from "../domain/investigation.js";
import type { Snapshot } from "../domain/types.js";
import { snapshotFromState } from "../k8s/from-file.js";
import { createLogger } from "../log.js";
import type { PipelineDeps } from "../queue/deps.js";
import { queueNotifier } from "../queue/follow-ups.js";
import { QUEUE_NAMES } from "../queue/keys.js";
import { createCentralClusters } from "../server/central.js";
import { parseStateFile } from "../sim/index.js";
import { loadScenarioText } from "../sim/scenarios/index.js";
import { triage } from "../triage/index.js";

/**
 * The bench's many-cluster rig: per cluster one agent (startClusterAgent: its own scope, its
 * heartbeat in the registry, NOTIFY_VIA=queue-style updates into its notifications queue) and
 * serve's central side (createCentralClusters: the one-producer facade over every scope and the
 * consumers of every cluster's notifications queue), as serve runs it. No Slack, no model: the
 * central notifier records when it would post the thread.
 */

/** One cluster of the rig. */
export interface RigCluster {
  cluster: string;
  agent: ClusterAgent;
  /** The agent's side of its notifications queue. */
  notifications: Queue;
}

/** A started rig. */
export interface ClusterRig {
  clusters: RigCluster[];
  directory: ClusterDirectory;
  /** Central's producer over every cluster's scope. */
  producer: MultiClusterProducer;
  /** Central's store over every cluster's scope. */
  store: MultiClusterStore;
  /** Investigation id → when central's notifier got its root-cause update (performance.now()). */
  posted: Map<string, number>;
  /** Resolves when `id`'s thread update arrived. */
  threadOf(id: string): Promise<number>;
  /** Trigger namespace → the cluster whose agent collected it. */
  collectedBy: Map<string, string>;
  /** Completed plus failed investigate jobs, over every cluster. */
  finished(): Promise<{ done: number; failed: number }>;
  close(): Promise<void>;
}

/** Setup of the rig. */
export interface RigOptions {
  redis: Redis;
  redisUrl: string;
  basePrefix: string;
  clusters: number;
  concurrency: number;
}

/** The name of the i-th cluster (c01, c02, …). */
export const rigClusterName = (index: number) => `c${String(index + 1).padStart(2, "0")}`;

/** Starts every cluster's agent and serve's central side over them. */
export async function startClusterRig(options: RigOptions): Promise<ClusterRig> {
  // A real incident's snapshot, so records (triage, RCA, proposals) have their real size.
  const state = parseStateFile(loadScenarioText("prod-api-outage"), "prod-api-outage");
  const snapshot: Snapshot = await snapshotFromState(state, { namespace: "prod-api", allNamespaces: false });
  const policy = defaultPolicy();
  const posted = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const collectedBy = new Map<string, string>();
  const names = Array.from({ length: options.clusters }, (_, i) => rigClusterName(i));
  const central = createCentralClusters({
    env: parseEnv({
      REDIS_URL: options.redisUrl,
      QUEUE_PREFIX: options.basePrefix,
      CLUSTERS: names.join(","),
      INVESTIGATION_RETENTION_HOURS: "1",
    }),
    policy,
    redis: options.redis,
    redisUrl: options.redisUrl,
    logger: createLogger({ role: "bench-central" }, undefined, "warn"),
  });
  const { directory, producer } = central;
  const clusters: RigCluster[] = [];
  const close = async () => {
    for (const rig of clusters) {
      await rig.agent.close(10_000);
      await rig.notifications.close();
    }
    await central.close();
  };
  try {
    for (const cluster of names) {
      const notifications = new Queue(QUEUE_NAMES.notifications, {
        connection: options.redis,
        prefix: directory.scope(cluster).prefix,
      });
      const deps: PipelineDeps = {
        collect: async (trigger) => {
          collectedBy.set(trigger.namespace, cluster);
          return { ...snapshot, scope: { namespace: trigger.namespace, allNamespaces: false } };
        },
        // Every trigger names its own namespace (no dedup joins); all are prod-api's incident.
        triage: (snap) => triage(snap, { namespace: "prod-api" }),
        analyze: async ({ triage: result }) => rcaFromTriage(result, "bench: no model"),
        remediate: async () => ({ status: "refused", message: "bench" }),
        notifier: queueNotifier(notifications),
        clock: () => new Date(),
      };
      const common = {
        redisUrl: options.redisUrl,
        policy,
        concurrency: options.concurrency,
        retentionHours: 1,
      };
      const agent = await startClusterAgent({
        ...common,
        cluster,
        basePrefix: options.basePrefix,
        deps,
        queues: ["investigations", "remediations"],
      });
      clusters.push({ cluster, agent, notifications });
    }
    // Serve's consumers of every cluster's notifications queue, with a notifier that records
    // when the thread's answer (the root-cause reply, the first reply Slack shows) would be posted.
    await central.startNotifications(() => ({
      async notify(investigation: Investigation, update: InvestigationUpdate) {
        if (update.type !== "rca" || posted.has(investigation.id)) return;
        posted.set(investigation.id, performance.now());
        waiters.get(investigation.id)?.();
      },
    }));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    clusters,
    directory,
    producer,
    store: central.store,
    posted,
    collectedBy,
    threadOf: (id) =>
      posted.has(id)
        ? Promise.resolve(posted.get(id) as number)
        : new Promise((resolve) => waiters.set(id, () => resolve(posted.get(id) as number))),
    async finished() {
      let done = 0;
      let failed = 0;
      for (const { cluster } of clusters) {
        const counts = await directory
          .scope(cluster)
          .producer.investigations.getJobCounts("completed", "failed");
        done += (counts.completed ?? 0) + (counts.failed ?? 0);
        failed += counts.failed ?? 0;
      }
      return { done, failed };
    },
    close,
  };
}
