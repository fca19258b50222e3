import { performance } from "node:perf_hooks";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { rcaFromTriage } from "../agent/fallback.js";
import { defaultPolicy } from "../config/policy.js";
import { ensureRedis } from "../dev/local-redis.js";
import type { Investigation, InvestigationUpdate } from "../domain/investigation.js";
import type { Snapshot } from "../domain/types.js";
import { snapshotFromState } from "../k8s/from-file.js";
import { createProducerConnection, waitReady } from "../queue/connection.js";
import type { PipelineDeps } from "../queue/deps.js";
import { queueNotifier } from "../queue/follow-ups.js";
import { QUEUE_NAMES } from "../queue/keys.js";
import { Producer } from "../queue/producer.js";
import { scopePrefix } from "../queue/scope.js";
import { type PipelineWorkers, startPipelineWorkers } from "../queue/worker.js";
import { parseStateFile } from "../sim/index.js";
import { loadScenarioText } from "../sim/scenarios/index.js";
import { triage } from "../triage/index.js";
import type { BenchContext, BenchSection, BenchSectionResult } from "./types.js";

/**
 * Many clusters on one Redis: 20 cluster agents (one each, its own scope of keys and queues, as
 * `worker --cluster NAME` runs them) and one central role. Central submits every trigger to its
 * cluster's scope; the cluster's agent collects (a recorded prod-api-outage snapshot, no API
 * server round trips), triages, writes the deterministic RCA and hands each update to its
 * notifications queue (NOTIFY_VIA=queue, no Slack token); central's notifier for that scope
 * takes it — the moment it would post the thread's reply. Measured: throughput of a burst,
 * trigger-to-thread latency (in the burst, and unloaded one at a time), Redis memory per
 * retained investigation (INFO memory before and after the burst).
 */

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

/** How big a run is. */
export interface ClusterBenchSize {
  clusters: number;
  /** The burst. */
  investigations: number;
  /** Triggers submitted one at a time after the burst (unloaded latency). */
  samples: number;
}

/** The size of the run: full (20 × 1,000) or `--quick`. */
export function clusterBenchSize(quick: boolean): ClusterBenchSize {
  return quick
    ? { clusters: 20, investigations: 200, samples: 40 }
    : { clusters: 20, investigations: 1000, samples: 100 };
}

/** One cluster: its agent's workers and central's producer and notifier for its scope. */
interface ClusterRig {
  cluster: string;
  prefix: string;
  agent: PipelineWorkers;
  notifier: PipelineWorkers;
  notifications: Queue;
  producer: Producer;
}

/** Runs the section at `size` (default: by `context.quick`). */
export async function runClusters(
  context: BenchContext,
  size: ClusterBenchSize = clusterBenchSize(context.quick),
): Promise<BenchSectionResult> {
  const concurrency = 4;
  const redisHandle = await ensureRedis({ log: (line) => context.progress(line) });
  const base = `bench-clusters-${Date.now().toString(36)}`;
  // A real incident's snapshot, so records (triage, RCA, proposals) have their real size.
  const state = parseStateFile(loadScenarioText("prod-api-outage"), "prod-api-outage");
  const snapshot: Snapshot = await snapshotFromState(state, {
    namespace: "prod-api",
    allNamespaces: false,
  });
  const posted = new Map<string, number>();
  /** Trigger namespace (unique per trigger) → the cluster it was submitted to / collected by. */
  const submittedTo = new Map<string, string>();
  const collectedBy = new Map<string, string>();
  const waiters = new Map<string, () => void>();
  const redis = createProducerConnection(redisHandle.url, "bench-central");
  await waitReady(redis);
  const rigs: ClusterRig[] = [];
  const policy = defaultPolicy();
  try {
    context.progress(`clusters: ${size.clusters} agents on one Redis, concurrency ${concurrency} each`);
    for (let i = 0; i < size.clusters; i++) {
      const cluster = `c${String(i + 1).padStart(2, "0")}`;
      const prefix = scopePrefix(base, cluster);
      const notifications = new Queue(QUEUE_NAMES.notifications, { connection: redis, prefix });
      const agentDeps: PipelineDeps = {
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
      const agent = await startPipelineWorkers({
        redisUrl: redisHandle.url,
        prefix,
        policy,
        deps: agentDeps,
        concurrency,
        retentionHours: 1,
        queues: ["investigations", "remediations"],
      });
      // Central's notifier for this scope: where the thread reply would be posted to Slack.
      const notifier = await startPipelineWorkers({
        redisUrl: redisHandle.url,
        prefix,
        policy,
        deps: {
          ...agentDeps,
          notifier: {
            async notify(investigation: Investigation, update: InvestigationUpdate) {
              if (update.type !== "triage" || posted.has(investigation.id)) return;
              posted.set(investigation.id, performance.now());
              waiters.get(investigation.id)?.();
            },
          },
        },
        concurrency,
        retentionHours: 1,
        queues: ["notifications"],
      });
      rigs.push({
        cluster,
        prefix,
        agent,
        notifier,
        notifications,
        producer: new Producer({ redis, prefix, retentionHours: 1 }),
      });
    }

    // After the agents are up: the difference is what the investigations themselves keep.
    const before = await usedMemory(redis);
    const rigOf = (index: number) => rigs[index % rigs.length] as ClusterRig;
    const triggerOf = (namespace: string) => ({
      source: "cli" as const,
      namespace,
      receivedAt: new Date().toISOString(),
    });
    const completed = async () => {
      let done = 0;
      for (const rig of rigs) {
        const counts = await rig.producer.investigations.getJobCounts("completed", "failed");
        done += (counts.completed ?? 0) + (counts.failed ?? 0);
      }
      return done;
    };

    context.progress(`clusters: ${size.investigations} investigations across ${size.clusters} clusters`);
    const submitted = new Map<string, number>();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: size.investigations }, async (_, i) => {
        const rig = rigOf(i);
        submittedTo.set(`burst-${i}`, rig.cluster);
        const at = performance.now();
        const { investigation } = await rig.producer.submitTrigger(triggerOf(`burst-${i}`));
        submitted.set(investigation.id, at);
      }),
    );
    while (posted.size < size.investigations || (await completed()) < size.investigations) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - start) / 1000;
    const after = await usedMemory(redis);
    const burstLatencies = [...submitted]
      .map(([id, at]) => (posted.get(id) as number) - at)
      .sort((a, b) => a - b);
    const failed = (
      await Promise.all(rigs.map((rig) => rig.producer.investigations.getJobCounts("failed")))
    ).reduce((sum, counts) => sum + (counts.failed ?? 0), 0);

    context.progress(`clusters: ${size.samples} triggers one at a time, rotating over the clusters`);
    const unloaded: number[] = [];
    for (let i = 0; i < size.samples; i++) {
      submittedTo.set(`latency-${i}`, rigOf(i).cluster);
      const at = performance.now();
      const { investigation } = await rigOf(i).producer.submitTrigger(triggerOf(`latency-${i}`));
      if (!posted.has(investigation.id))
        await new Promise<void>((resolve) => waiters.set(investigation.id, resolve));
      unloaded.push((posted.get(investigation.id) as number) - at);
    }
    unloaded.sort((a, b) => a - b);
    const perMinute = (size.investigations / seconds) * 60;
    const bytesPerInvestigation = (after - before) / size.investigations;
    const agentsSeen = new Set(collectedBy.values());
    const misrouted = [...submittedTo].filter(
      ([namespace, cluster]) => collectedBy.get(namespace) !== cluster,
    );
    return {
      columns: ["case", "clusters", "investigations", "inv/min", "p50 ms", "p99 ms", "Redis bytes/inv"],
      rows: [
        {
          case: "burst, trigger → thread",
          clusters: size.clusters,
          investigations: size.investigations,
          "inv/min": Math.round(perMinute),
          "p50 ms": round(percentile(burstLatencies, 50)),
          "p99 ms": round(percentile(burstLatencies, 99)),
          "Redis bytes/inv": Math.round(bytesPerInvestigation),
        },
        {
          case: "one at a time, trigger → thread",
          clusters: size.clusters,
          investigations: size.samples,
          "inv/min": "-",
          "p50 ms": round(percentile(unloaded, 50)),
          "p99 ms": round(percentile(unloaded, 99)),
          "Redis bytes/inv": "-",
        },
      ],
      figures: {
        clusters: size.clusters,
        agentsPerCluster: 1,
        concurrencyPerAgent: concurrency,
        investigations: size.investigations,
        seconds: round(seconds, 2),
        investigationsPerMinute: Math.round(perMinute),
        burstTriggerToThreadMs: {
          p50: round(percentile(burstLatencies, 50)),
          p99: round(percentile(burstLatencies, 99)),
        },
        unloadedTriggerToThreadMs: {
          samples: size.samples,
          p50: round(percentile(unloaded, 50)),
          p99: round(percentile(unloaded, 99)),
        },
        redisUsedMemoryBytes: { before, after },
        redisBytesPerInvestigation: Math.round(bytesPerInvestigation),
      },
      checks: [
        {
          name: "every investigation completed once, on its own cluster's agent",
          ok:
            failed === 0 &&
            posted.size === size.investigations + size.samples &&
            misrouted.length === 0 &&
            agentsSeen.size === size.clusters,
          detail: `${posted.size} threads, ${failed} failed, ${misrouted.length} collected by another cluster's agent, ${agentsSeen.size} of ${size.clusters} agents took work`,
        },
      ],
    };
  } finally {
    for (const rig of rigs) {
      await rig.agent.close(10_000);
      await rig.notifier.close(10_000);
      await rig.producer.investigations.obliterate({ force: true }).catch(() => undefined);
      await rig.producer.remediations.obliterate({ force: true }).catch(() => undefined);
      await rig.notifications.obliterate({ force: true }).catch(() => undefined);
      await rig.notifications.close();
      await rig.producer.close();
    }
    await deleteKeys(redis, `${base}:*`).catch(() => undefined);
    await redis.quit();
    await redisHandle.stop();
  }
}

/** Deletes every key matching `pattern` (SCAN, so a shared Redis is not blocked). */
async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== "0");
}

const section: BenchSection = {
  name: "clusters",
  describe:
    "20 clusters × 1 agent on one Redis: investigations per minute, trigger-to-thread p99, Redis memory per investigation",
  run: runClusters,
};
export default section;
