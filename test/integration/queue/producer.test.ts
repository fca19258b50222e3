import type { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { DependencyError } from "../../../src/errors.js";
import { readAudit } from "../../../src/queue/audit.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { trigger, uniquePrefix } from "../../support/queue-helpers.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

async function producer(): Promise<{ producer: Producer; redis: Redis; prefix: string }> {
  const redis = createProducerConnection(inject("redisUrl"));
  await waitReady(redis);
  const prefix = uniquePrefix("producer");
  const p = new Producer({ redis, prefix, retentionHours: 1 });
  cleanup.push(
    () => redis.quit(),
    () => p.close(),
  );
  return { producer: p, redis, prefix };
}

describe("submitting triggers", () => {
  it("makes one investigation of duplicate triggers for the same workload and records the joins", async () => {
    const { producer: p, prefix, redis } = await producer();
    const target = { kind: "Deployment", namespace: "shop", name: "api" };
    const first = await p.submitTrigger(
      trigger("shop", { target, source: "alertmanager", dedupKey: "fp-1" }),
    );
    const second = await p.submitTrigger(
      trigger("shop", { target, source: "slash-command", requestedBy: "U1" }),
    );
    expect(first.joined).toBe(false);
    expect(second).toMatchObject({ joined: true, duplicate: false });
    expect(second.investigation.id).toBe(first.investigation.id);
    expect(second.investigation.joined).toHaveLength(1);
    expect(await p.investigations.count()).toBe(1);
    const audit = await readAudit(redis, first.investigation.id, { prefix });
    expect(audit.map((e) => e.kind)).toEqual(["trigger", "join"]);
    expect(audit[1]?.actor).toBe("U1");
  });

  it("turns a retried Slack event (same dedupKey) into nothing new: one record, one job", async () => {
    const { producer: p } = await producer();
    const event = trigger("shop", { source: "mention", dedupKey: "Ev0123" });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await p.submitTrigger({ ...event }));
    expect(new Set(results.map((r) => r.investigation.id)).size).toBe(1);
    expect(results.map((r) => r.duplicate)).toEqual([false, true, true]);
    expect((await p.store.require(results[0]?.investigation.id as string)).joined).toEqual([]);
    const jobs = await p.investigations.getJobs(["waiting", "active", "delayed", "completed"]);
    expect(jobs.map((j) => j.id)).toEqual([results[0]?.investigation.id]);
  });

  it("collapses a concurrent alert storm into one investigation per workload", async () => {
    const { producer: p } = await producer();
    const pods = ["api-7d9f8c6b5d-x2x7q", "api-7d9f8c6b5d-kq9zz", "api-5c6b7d8f9-m4n5p"];
    const storm = Array.from({ length: 60 }, (_, i) =>
      trigger("shop", {
        source: "watcher",
        dedupKey: `event-${i}`,
        target:
          i % 2 === 0
            ? { kind: "Pod", namespace: "shop", name: pods[i % 3] as string }
            : { kind: "Deployment", namespace: "shop", name: "web" },
      }),
    );
    const results = await Promise.all(storm.map((t) => p.submitTrigger(t)));
    const ids = new Set(results.map((r) => r.investigation.id));
    expect(ids.size).toBe(2);
    expect(results.filter((r) => !r.joined)).toHaveLength(2);
    expect(await p.investigations.count()).toBe(2);
    const records = await Promise.all([...ids].map((id) => p.store.require(id)));
    expect(records.map((r) => r.joined.length).sort()).toEqual([29, 29]);
  });

  it("works when built before its connection is ready (as a server does at startup)", async () => {
    const redis = createProducerConnection(inject("redisUrl"));
    const p = new Producer({ redis, prefix: uniquePrefix("early"), retentionHours: 1 });
    cleanup.push(
      () => redis.quit(),
      () => p.close(),
    );
    await waitReady(redis);
    const { investigation } = await p.submitTrigger(trigger("shop"));
    expect(await p.investigations.getJobState(investigation.id)).toBe("waiting");
  });

  it("fails fast with a typed error when Redis is unreachable", async () => {
    const redis = createProducerConnection("redis://127.0.0.1:1");
    redis.on("error", () => undefined);
    const p = new Producer({ redis, prefix: uniquePrefix("down"), retentionHours: 1 });
    cleanup.push(
      async () => redis.disconnect(),
      () => p.close().catch(() => undefined),
    );
    await expect(p.submitTrigger(trigger("shop"))).rejects.toBeInstanceOf(DependencyError);
  });
});
