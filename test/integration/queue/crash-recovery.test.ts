import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { trigger, uniquePrefix, waitFor } from "../../support/queue-helpers.js";
import { type ChildWorker, startChildWorker } from "../../support/queue-processes.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

describe("a worker process killed mid-job", () => {
  it("has its jobs recovered by another worker and completed exactly once, each step posted once", async () => {
    const url = inject("redisUrl");
    const prefix = uniquePrefix("crash");
    const redis = createProducerConnection(url);
    await waitReady(redis);
    const observer = new Redis(url);
    const producer = new Producer({ redis, prefix, retentionHours: 1 });
    cleanup.push(
      () => redis.quit(),
      () => observer.quit(),
      () => producer.close(),
    );
    const env = {
      REDIS_URL: url,
      QUEUE_PREFIX: prefix,
      LOCK_DURATION_MS: "3000",
      STALLED_INTERVAL_MS: "500",
    };
    const children: ChildWorker[] = [];
    cleanup.push(() => Promise.all(children.map((c) => c.kill("SIGKILL"))));

    const ids: string[] = [];
    for (const ns of ["shop", "billing", "search"])
      ids.push((await producer.submitTrigger(trigger(ns))).investigation.id);

    const first = await startChildWorker(env);
    children.push(first);
    const started = `${prefix}:test:analyze-started`;
    await waitFor(
      async () => (await observer.llen(started)) === 3,
      "the first worker to be analyzing all three",
    );
    await first.kill("SIGKILL");
    // Nothing finished while it ran: the gate was closed.
    for (const id of ids) expect((await producer.store.require(id)).status).toBe("analyzing");

    await observer.set(`${prefix}:test:gate`, "open");
    const second = await startChildWorker(env);
    children.push(second);

    // A job completes after its last post, so a completed job means every post is in.
    for (const id of ids) {
      await waitFor(
        async () => (await (await producer.investigations.getJob(id))?.getState()) === "completed",
        `${id} to complete`,
      );
    }
    const analyses = await observer.lrange(started, 0, -1);
    expect(analyses.filter((line) => line.endsWith(` ${first.pid}`))).toHaveLength(3);
    expect(analyses.filter((line) => line.endsWith(` ${second.pid}`))).toHaveLength(3);

    const posts = await observer.lrange(`${prefix}:test:posts`, 0, -1);
    for (const id of ids) {
      const mine = posts.filter((p) => p.startsWith(`${id} `)).map((p) => p.slice(id.length + 1));
      expect(mine).toEqual([
        "status:collecting",
        "triage",
        "status:analyzing",
        "rca",
        expect.stringMatching(/^proposal:rollout-restart:/),
        "status:proposed",
      ]);
      const job = await producer.investigations.getJob(id);
      expect(await job?.getState()).toBe("completed");
      expect(job?.attemptsStarted).toBe(2);
      const record = await producer.store.require(id);
      expect(record.proposals).toHaveLength(1);
      expect(record.timeline.map((t) => t.status)).toEqual(["queued", "collecting", "analyzing", "proposed"]);
    }
    expect(await second.kill("SIGTERM")).toBe(0);
  });

  it("is recorded as failed, and told once, when a job stalls more often than allowed", async () => {
    const url = inject("redisUrl");
    const prefix = uniquePrefix("stalled");
    const redis = createProducerConnection(url);
    await waitReady(redis);
    const observer = new Redis(url);
    const producer = new Producer({ redis, prefix, retentionHours: 1 });
    cleanup.push(
      () => redis.quit(),
      () => observer.quit(),
      () => producer.close(),
    );
    const env = {
      REDIS_URL: url,
      QUEUE_PREFIX: prefix,
      LOCK_DURATION_MS: "3000",
      STALLED_INTERVAL_MS: "500",
      MAX_STALLED_COUNT: "0",
    };
    const children: ChildWorker[] = [];
    cleanup.push(() => Promise.all(children.map((c) => c.kill("SIGKILL"))));
    const { investigation } = await producer.submitTrigger(trigger("shop"));
    const first = await startChildWorker(env);
    children.push(first);
    await waitFor(
      async () => (await observer.llen(`${prefix}:test:analyze-started`)) === 1,
      "the analysis to start",
    );
    await first.kill("SIGKILL");
    children.push(await startChildWorker(env));

    const failed = await waitFor(async () => {
      const record = await producer.store.get(investigation.id);
      return record?.status === "failed" ? record : undefined;
    }, "the stalled-out investigation to be recorded as failed");
    expect(failed.error).toMatch(/stalled/);
    expect(await (await producer.investigations.getJob(investigation.id))?.getState()).toBe("failed");
    // The failure is posted right after it is recorded.
    const posts = await waitFor(async () => {
      const all = await observer.lrange(`${prefix}:test:posts`, 0, -1);
      return all.includes(`${investigation.id} failed`) ? all : undefined;
    }, "the failure to be posted");
    expect(posts.filter((p) => p === `${investigation.id} failed`)).toHaveLength(1);
    // The dedup slot is free again: the next alert for the namespace starts afresh.
    expect((await producer.submitTrigger(trigger("shop"))).joined).toBe(false);
  });
});
