import { performance } from "node:perf_hooks";
import type { Redis } from "ioredis";
import { ensureRedis } from "../dev/local-redis.js";
import { createProducerConnection, waitReady } from "../queue/connection.js";
import { deleteMatching } from "../queue/scan-keys.js";
import { type ClusterRig, rigClusterName, startClusterRig } from "./cluster-rig.js";
import { measureMentionLookup } from "./mention-lookup.js";
import type { BenchContext, BenchSection, BenchSectionResult } from "./types.js";

/**
 * Many clusters on one Redis: 20 cluster agents (one each, its own scope of keys and queues, as
 * `worker --cluster NAME` runs them) and serve's central side. Central submits every trigger
 * through its one-producer view over every scope (with the trigger's cluster, as `/triage
 * --cluster` does); the cluster's agent collects (a recorded prod-api-outage snapshot, no API
 * server round trips), triages, writes the deterministic RCA and hands each update to its
 * notifications queue (NOTIFY_VIA=queue, no Slack token); serve's consumer of that queue takes
 * it. Trigger-to-thread ends when the root-cause update reaches that consumer (where serve posts
 * the thread's answer). Measured: throughput of a burst, trigger-to-thread latency in the burst
 * and one at a time, Redis memory per retained investigation (INFO memory before and after), and
 * what finding an @mention's investigation costs central (mention-lookup.ts).
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

/** Runs the section at `size` (default: by `context.quick`). */
export async function runClusters(
  context: BenchContext,
  size: ClusterBenchSize = clusterBenchSize(context.quick),
): Promise<BenchSectionResult> {
  const concurrency = 4;
  const redisHandle = await ensureRedis({ log: (line) => context.progress(line) });
  const base = `bench-clusters-${Date.now().toString(36)}`;
  const submittedTo = new Map<string, string>();
  const redis = createProducerConnection(redisHandle.url, "bench-central");
  await waitReady(redis);
  let rig: ClusterRig | undefined;
  try {
    context.progress(`clusters: ${size.clusters} agents on one Redis, concurrency ${concurrency} each`);
    rig = await startClusterRig({
      redis,
      redisUrl: redisHandle.url,
      basePrefix: base,
      clusters: size.clusters,
      concurrency,
    });
    const { producer, posted, collectedBy } = rig;
    const registered = await rig.directory.registry.discover();
    // After the agents are up: the difference is what the investigations themselves keep.
    const before = await usedMemory(redis);
    const clusterOf = (index: number) => rigClusterName(index % size.clusters);
    const triggerOf = (namespace: string, cluster: string) => ({
      source: "cli" as const,
      namespace,
      cluster,
      receivedAt: new Date().toISOString(),
    });

    context.progress(`clusters: ${size.investigations} investigations across ${size.clusters} clusters`);
    const submitted = new Map<string, number>();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: size.investigations }, async (_, i) => {
        const cluster = clusterOf(i);
        submittedTo.set(`burst-${i}`, cluster);
        const at = performance.now();
        const { investigation } = await producer.submitTrigger(triggerOf(`burst-${i}`, cluster));
        submitted.set(investigation.id, at);
      }),
    );
    const started = rig;
    while (posted.size < size.investigations || (await started.finished()).done < size.investigations) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - start) / 1000;
    const after = await usedMemory(redis);
    const burstLatencies = [...submitted]
      .map(([id, at]) => (posted.get(id) as number) - at)
      .sort((a, b) => a - b);

    context.progress(`clusters: ${size.samples} triggers one at a time, rotating over the clusters`);
    const unloaded: number[] = [];
    for (let i = 0; i < size.samples; i++) {
      const cluster = clusterOf(i);
      submittedTo.set(`latency-${i}`, cluster);
      const at = performance.now();
      const { investigation } = await producer.submitTrigger(triggerOf(`latency-${i}`, cluster));
      unloaded.push((await rig.threadOf(investigation.id)) - at);
    }
    const { failed } = await rig.finished();

    context.progress(`clusters: @mention thread lookups over ${size.clusters} clusters`);
    const mentions = await measureMentionLookup(rig.store, [...submitted.keys()], size.samples);
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
        ...(
          [
            ["@mention thread lookup, pointer", mentions.pointer.latenciesMs],
            ["@mention lookup, old scan of 200 recent", mentions.scan.latenciesMs],
          ] as const
        ).map(([name, latencies]) => ({
          case: name,
          clusters: size.clusters,
          investigations: mentions.threads,
          "inv/min": "-",
          "p50 ms": round(percentile(latencies, 50), 2),
          "p99 ms": round(percentile(latencies, 99), 2),
          "Redis bytes/inv": "-",
        })),
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
        mentionLookupMs: {
          threads: mentions.threads,
          pointer: {
            p50: round(percentile(mentions.pointer.latenciesMs, 50), 2),
            p99: round(percentile(mentions.pointer.latenciesMs, 99), 2),
            found: mentions.pointer.found,
          },
          oldScan: {
            p50: round(percentile(mentions.scan.latenciesMs, 50), 2),
            p99: round(percentile(mentions.scan.latenciesMs, 99), 2),
            found: mentions.scan.found,
          },
        },
      },
      checks: [
        {
          name: "every investigation completed once, on its own cluster's agent",
          ok:
            registered.length === size.clusters &&
            failed === 0 &&
            posted.size === size.investigations + size.samples &&
            misrouted.length === 0 &&
            agentsSeen.size === size.clusters,
          detail: `${registered.length} agents registered, ${posted.size} threads, ${failed} failed, ${misrouted.length} collected by another cluster's agent, ${agentsSeen.size} of ${size.clusters} agents took work`,
        },
        {
          name: "an @mention finds its thread's investigation in any cluster, whatever its age",
          ok: mentions.pointer.found === mentions.threads,
          detail: `pointer: ${mentions.pointer.found} of ${mentions.threads} threads found; the old scan of the 200 most recent found ${mentions.scan.found} of ${mentions.threads}`,
        },
      ],
    };
  } finally {
    await rig?.close();
    await deleteMatching(redis, `${base}:*`).catch(() => undefined);
    await redis.quit();
    await redisHandle.stop();
  }
}

const section: BenchSection = {
  name: "clusters",
  describe:
    "20 clusters × 1 agent on one Redis: investigations per minute, trigger-to-thread p99, Redis memory per investigation",
  run: runClusters,
};
export default section;
