import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisMetrics, metricsKey, renderMetrics } from "../../../src/metrics/registry.js";

describe("Redis-backed metrics", () => {
  let redis: Redis;
  const prefix = `metrics-test-${randomUUID()}`;

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL as string);
  });
  afterAll(async () => {
    await redis.del(metricsKey(prefix));
    redis.disconnect();
  });

  it("sums counters from several recorders (replicas) into one exposition", async () => {
    const workerA = createRedisMetrics(redis, prefix);
    const workerB = createRedisMetrics(redis, prefix);
    workerA.inc("investigations", { trigger: "slash-command", outcome: "proposed" });
    workerB.inc("investigations", { trigger: "slash-command", outcome: "proposed" });
    workerB.inc("modelCost", {}, 0.25);
    workerA.observe("phaseDuration", { phase: "collect" }, 0.3);
    await Promise.all([workerA.flush(), workerB.flush()]);

    const text = await renderMetrics(redis, prefix, [
      { metric: "queueDepth", labels: { queue: "investigations", state: "waiting" }, value: 3 },
    ]);
    expect(text).toContain('k8s_triage_investigations_total{outcome="proposed",trigger="slash-command"} 2');
    expect(text).toContain("k8s_triage_model_cost_usd_total 0.25");
    expect(text).toContain('k8s_triage_phase_duration_seconds_bucket{phase="collect",le="0.5"} 1');

    expect(text).toContain('k8s_triage_phase_duration_seconds_bucket{phase="collect",le="0.25"} 0');
    expect(text).toContain('k8s_triage_phase_duration_seconds_count{phase="collect"} 1');
    expect(text).toContain('k8s_triage_queue_jobs{queue="investigations",state="waiting"} 3');
    expect(text).toContain("# TYPE k8s_triage_remediations_total counter");
  });

  it("keeps running when Redis is gone (recording never throws)", async () => {
    const dead = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const metrics = createRedisMetrics(dead, prefix);
    expect(() =>
      metrics.inc("slackErrors", { method: "chat.postMessage", error: "ratelimited" }),
    ).not.toThrow();
    await metrics.flush();
    dead.disconnect();
  });
});
