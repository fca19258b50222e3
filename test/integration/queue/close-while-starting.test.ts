import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { uniquePrefix } from "../../support/queue-helpers.js";
import { type RedisProcess, spawnRedis } from "../../support/redis-topology.js";

/**
 * A role that stops while Redis is slow (paused, failing over, a Cluster refreshing its slots) must
 * still stop cleanly. Its own server: CLIENT PAUSE would stall every other test on a shared one.
 */

let server: RedisProcess;
beforeAll(async () => {
  server = await spawnRedis();
});
afterAll(async () => {
  await server?.stop();
});

describe("closing while BullMQ is still starting", () => {
  it("leaves no unhandled rejection behind when Redis answers the start late", async () => {
    const url = `redis://127.0.0.1:${server.port}`;
    const admin = new Redis(url);
    const redis = createProducerConnection(url, "closing-test");
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      await waitReady(redis);
      // Redis holds every client's commands for 400 ms: the queues' start (INFO) is still out.
      await admin.client("PAUSE", 400, "ALL");
      const producer = new Producer({ redis, prefix: uniquePrefix("closing"), retentionHours: 1 });
      await producer.close();
      // The role's last step: its connection goes.
      redis.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(unhandled.map(String)).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      redis.disconnect();
      admin.disconnect();
    }
  });
});
