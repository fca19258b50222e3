import { performance } from "node:perf_hooks";
import { rcaFromTriage } from "../agent/fallback.js";
import { defaultPolicy } from "../config/policy.js";
import { ensureRedis } from "../dev/local-redis.js";
import type { Investigation, InvestigationUpdate } from "../domain/investigation.js";
import { emptySnapshot } from "../domain/snapshot.js";
import type { Snapshot } from "../domain/types.js";
import { createProducerConnection, waitReady } from "../queue/connection.js";
import type { PipelineDeps } from "../queue/deps.js";
import { Producer } from "../queue/producer.js";
import { startPipelineWorkers } from "../queue/worker.js";
import { triage } from "../triage/index.js";
import type { BenchContext, BenchSection, BenchSectionResult } from "./types.js";

/**
 * The investigation pipeline on BullMQ and Redis with zero-delay dependencies (an in-memory
 * snapshot, the real triage, the deterministic RCA, no model): what the queue mechanics cost.
 * Throughput is a burst of triggers drained by 4 workers; latency is trigger-to-triage-posted for
 * triggers submitted one at a time, so it excludes queueing behind a backlog.
 */

function emptyNamespace(namespace: string): Snapshot {
  return emptySnapshot({
    collectedAt: new Date().toISOString(),
    source: { type: "file", path: "bench" },
    scope: { namespace, allNamespaces: false },
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

async function runPipeline(context: BenchContext): Promise<BenchSectionResult> {
  const burst = context.quick ? 200 : 1000;
  const samples = context.quick ? 50 : 200;
  const concurrency = 4;
  const redisHandle = await ensureRedis({ log: (line) => context.progress(line) });
  const prefix = `bench-${Date.now().toString(36)}`;
  const triaged = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const deps: PipelineDeps = {
    collect: async (trigger) => emptyNamespace(trigger.namespace),
    triage: (snapshot, { namespace }) => triage(snapshot, { namespace }),
    analyze: async ({ triage: result }) => rcaFromTriage(result, "bench: no model"),
    remediate: async () => ({ status: "refused", message: "bench" }),
    notifier: {
      async notify(investigation: Investigation, update: InvestigationUpdate) {
        if (update.type !== "triage") return;
        triaged.set(investigation.id, performance.now());
        waiters.get(investigation.id)?.();
      },
    },
    clock: () => new Date(),
  };
  const workers = await startPipelineWorkers({
    redisUrl: redisHandle.url,
    prefix,
    policy: defaultPolicy(),
    deps,
    concurrency,
    retentionHours: 1,
  });
  const redis = createProducerConnection(redisHandle.url, "bench");
  await waitReady(redis);
  const producer = new Producer({ redis, prefix, retentionHours: 1 });
  const finished = async (count: number) => {
    for (;;) {
      const counts = await producer.investigations.getJobCounts("completed", "failed");
      if ((counts.completed ?? 0) + (counts.failed ?? 0) >= count) return counts;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  try {
    context.progress(`pipeline: ${burst} investigations, concurrency ${concurrency}`);
    const start = performance.now();
    await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        producer.submitTrigger({
          source: "cli",
          namespace: `bench-${i}`,
          receivedAt: new Date().toISOString(),
        }),
      ),
    );
    const drained = await finished(burst);
    const seconds = (performance.now() - start) / 1000;
    const perMinute = (burst / seconds) * 60;

    context.progress(`pipeline: ${samples} sequential triggers for latency`);
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const submittedAt = performance.now();
      const { investigation } = await producer.submitTrigger({
        source: "cli",
        namespace: `latency-${i}`,
        receivedAt: new Date().toISOString(),
      });
      if (!triaged.has(investigation.id)) {
        await new Promise<void>((resolve) => waiters.set(investigation.id, resolve));
      }
      latencies.push((triaged.get(investigation.id) as number) - submittedAt);
    }
    await finished(burst + samples);
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const complete = drained.completed === burst && (drained.failed ?? 0) === 0;
    return {
      columns: ["case", "investigations", "inv/min", "p50 ms", "p99 ms"],
      rows: [
        {
          case: `burst, concurrency ${concurrency}`,
          investigations: burst,
          "inv/min": Math.round(perMinute),
          "p50 ms": "-",
          "p99 ms": "-",
        },
        {
          case: "trigger → triage posted",
          investigations: samples,
          "inv/min": "-",
          "p50 ms": round(p50),
          "p99 ms": round(p99),
        },
      ],
      figures: {
        burst,
        concurrency,
        seconds: round(seconds, 2),
        investigationsPerMinute: Math.round(perMinute),
        triggerToTriageMs: { samples, p50: round(p50), p99: round(p99) },
      },
      checks: [
        {
          name: "every burst investigation completed once",
          ok: complete,
          detail: `${drained.completed} completed, ${drained.failed ?? 0} failed of ${burst}`,
        },
      ],
    };
  } finally {
    await workers.close(10_000);
    // The bench's jobs are not worth keeping in someone's Redis.
    await producer.investigations.obliterate({ force: true }).catch(() => undefined);
    await producer.remediations.obliterate({ force: true }).catch(() => undefined);
    await producer.close();
    await redis.quit();
    await redisHandle.stop();
  }
}

const section: BenchSection = {
  name: "pipeline",
  describe: "investigations per minute through BullMQ/Redis and trigger-to-triage latency (no model)",
  run: runPipeline,
};
export default section;
