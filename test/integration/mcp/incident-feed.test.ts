import { afterAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "../../../src/log.js";
import { IncidentFeed } from "../../../src/mcp/incident-feed.js";
import { Producer } from "../../../src/queue/producer.js";
import { publishProgress } from "../../../src/queue/progress.js";
import { dropPrefix, testRedis, waitFor } from "./harness.js";

const redis = testRedis(inject("redisUrl"));
const prefix = `mcp-feed-${process.pid}-${Date.now().toString(36)}`;
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

const trigger = (name: string) => ({
  source: "watcher" as const,
  namespace: "shop",
  target: { kind: "Deployment", namespace: "shop", name },
  dedupKey: `${prefix}-${name}`,
  receivedAt: new Date().toISOString(),
});

describe("IncidentFeed", () => {
  it("announces each new investigation exactly once, a concurrent burst included, and phase changes", async () => {
    const producer = new Producer({ redis, prefix, retentionHours: 1 });
    const old = await producer.submitTrigger(trigger("before-start"));
    const feed = new IncidentFeed({
      store: producer.store,
      redis,
      pollMs: 50,
      log: createLogger({}, () => undefined),
    });
    const events: string[] = [];
    feed.onEvent((event) => events.push(`${event.type} ${event.id}`));
    await feed.start();
    try {
      const burst = await Promise.all(
        ["a", "b", "c", "d", "e"].map((name) => producer.submitTrigger(trigger(name))),
      );
      const ids = burst.map((result) => result.investigation.id);
      await waitFor(() => ids.every((id) => events.includes(`created ${id}`)), "five created events");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(events.filter((event) => event.startsWith("created")).sort()).toEqual(
        ids.map((id) => `created ${id}`).sort(),
      );
      expect(events.join("\n")).not.toContain(old.investigation.id);

      await publishProgress(
        redis,
        { investigationId: ids[0] as string, status: "collecting", at: "now" },
        prefix,
      );
      await waitFor(() => events.includes(`updated ${ids[0]}`), "the updated event");
    } finally {
      await feed.close();
      await producer.close();
    }
  });
});
