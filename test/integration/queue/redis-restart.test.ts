import { afterEach, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../../src/dev/local-redis.js";
import type { Investigation, InvestigationUpdate } from "../../../src/domain/investigation.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { startPipelineWorkers } from "../../../src/queue/worker.js";
import {
  policyFor,
  scriptedDeps,
  scriptedRca,
  stepOf,
  trigger,
  uniquePrefix,
  waitFor,
} from "../../support/queue-helpers.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

describe("Redis restarted during a run", () => {
  it("reconnects and finishes every job, none lost or duplicated", async () => {
    const server: RedisServer = await startRedisServer({ appendOnly: true });
    cleanup.push(() => server.stop());
    const prefix = uniquePrefix("restart");
    const total = 20;

    let analyses = 0;
    let reopen: () => void = () => undefined;
    const reopened = new Promise<void>((resolve) => {
      reopen = resolve;
    });
    const posts: string[] = [];
    const workers = await startPipelineWorkers({
      redisUrl: server.url,
      prefix,
      policy: policyFor(),
      concurrency: 4,
      retentionHours: 1,
      deps: scriptedDeps({
        notifier: {
          async notify(investigation: Investigation, update: InvestigationUpdate) {
            posts.push(`${investigation.id} ${stepOf(update, investigation.status)}`);
          },
        },
        analyze: async ({ triage }) => {
          analyses++;
          // The first analyses are in flight while Redis goes away and comes back.
          if (analyses <= 4) await reopened;
          return scriptedRca(triage);
        },
      }),
    });
    cleanup.push(() => workers.close(5000));
    workers.redis.on("error", () => undefined);

    const redis = createProducerConnection(server.url);
    redis.on("error", () => undefined);
    await waitReady(redis);
    const producer = new Producer({
      redis,
      prefix,
      retentionHours: 1,
      retry: { attempts: 4, backoffMs: 100 },
    });
    cleanup.push(
      async () => redis.disconnect(),
      () => producer.close(),
    );
    const ids: string[] = [];
    for (let i = 0; i < total; i++)
      ids.push((await producer.submitTrigger(trigger(`ns-${i}`))).investigation.id);

    await waitFor(() => analyses >= 4, "four analyses in flight");
    await server.kill();
    await server.restart();
    reopen();

    await waitReady(redis, 10_000);
    for (const id of ids) {
      await waitFor(
        async () => (await producer.store.get(id))?.status === "completed",
        `${id} to complete`,
        45_000,
      );
    }
    const counts = await waitFor(async () => {
      const c = await producer.investigations.getJobCounts(
        "completed",
        "failed",
        "active",
        "wait",
        "delayed",
      );
      return c.completed === total || c.failed ? c : undefined;
    }, "every job to be moved to completed");
    expect(counts).toMatchObject({ completed: total, failed: 0, active: 0, wait: 0, delayed: 0 });
    for (const id of ids) {
      const mine = posts.filter((p) => p.startsWith(`${id} `)).map((p) => p.slice(id.length + 1));
      expect(mine).toEqual(["status:collecting", "triage", "status:analyzing", "rca", "status:completed"]);
    }
    expect((await producer.store.recent(100)).length).toBe(total);
  });
});
