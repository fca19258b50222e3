import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type AgentHeartbeat,
  AgentRegistry,
  FORGET_AFTER_MS,
  startHeartbeat,
} from "../../../src/cluster/index.js";
import { uniquePrefix } from "../../support/queue-helpers.js";

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject("redisUrl"));
});
afterAll(async () => {
  await redis.quit();
});

function beat(cluster: string, lastSeen: string, id = `${cluster}-a`): AgentHeartbeat {
  return {
    id,
    cluster,
    version: "0.1.0",
    roles: ["investigations"],
    host: "h",
    pid: 1,
    startedAt: lastSeen,
    lastSeen,
  };
}

describe("agent registry on Redis", () => {
  it("keeps each heartbeat in its cluster's scope and discovers the clusters (default included)", async () => {
    const base = uniquePrefix("reg");
    const registry = new AgentRegistry(redis, base);
    const now = new Date().toISOString();
    await registry.beat(beat("eu-1", now));
    await registry.beat(beat("default", now));
    // A key of another layout that merely ends in :agents is not a cluster.
    await redis.set(`${base}:inv:x:agents`, "1");
    expect(await redis.hexists(`${base}:eu-1:agents`, "eu-1-a")).toBe(1);
    expect(await redis.hexists(`${base}:agents`, "default-a")).toBe(1);
    expect(await registry.discover()).toEqual(["default", "eu-1"]);
    expect(await redis.pttl(`${base}:eu-1:agents`)).toBeGreaterThan(FORGET_AFTER_MS - 60_000);
  });

  it("prunes heartbeats older than the forget window when read", async () => {
    const base = uniquePrefix("reg");
    const registry = new AgentRegistry(redis, base);
    await registry.beat(beat("us-1", new Date(Date.now() - FORGET_AFTER_MS - 1000).toISOString(), "old"));
    await registry.beat(beat("us-1", new Date().toISOString(), "new"));
    expect((await registry.agents("us-1")).map((agent) => agent.id)).toEqual(["new"]);
    expect(await redis.hexists(`${base}:us-1:agents`, "old")).toBe(0);
  });

  it("uses hash-tagged scopes for Redis Cluster, and discovers them", async () => {
    const base = uniquePrefix("reg");
    const registry = new AgentRegistry(redis, base, { hashTag: true });
    const heartbeat = await startHeartbeat({
      registry,
      cluster: "ap-1",
      roles: ["watcher"],
      namespaces: async () => ["b", "a"],
      intervalMs: 60_000,
    });
    expect(await redis.exists(`{${base}:ap-1}:agents`)).toBe(1);
    expect(await registry.discover()).toEqual(["ap-1"]);
    const [agent] = await registry.agents("ap-1");
    expect(agent).toMatchObject({
      cluster: "ap-1",
      roles: ["watcher"],
      namespaces: ["a", "b"],
      pid: process.pid,
    });
    expect(agent?.stopped).toBeUndefined();
    await heartbeat.stop();
    expect((await registry.agents("ap-1"))[0]?.stopped).toBe(true);
  });
});
