import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentRegistry } from "../../../src/cluster/registry.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { deleteMatching } from "../../../src/queue/scan-keys.js";
import { scopePrefix } from "../../../src/queue/scope.js";
import { uniquePrefix } from "../../support/queue-helpers.js";
import { type RedisClusterNodes, redisCli, startRedisCluster } from "../../support/redis-topology.js";

let cluster: RedisClusterNodes;
beforeAll(async () => {
  cluster = await startRedisCluster(3);
});
afterAll(async () => {
  await cluster?.stop();
});

const NAMES = ["eu-1", "eu-2", "us-1", "us-2", "ap-1", "staging", "dev", "prod-east", "prod-west"];

describe("cluster discovery on a Redis Cluster", () => {
  it("finds every cluster's agents whichever node owns its slot (SCAN runs on every master)", async () => {
    const redis = createProducerConnection({
      mode: "cluster",
      nodes: [{ host: "127.0.0.1", port: cluster.nodes[0]?.port as number }],
    });
    try {
      await waitReady(redis, 10_000);
      const base = uniquePrefix("discover");
      const registry = new AgentRegistry(redis, base, { hashTag: true });
      const now = new Date().toISOString();
      for (const name of NAMES) {
        await registry.beat({
          id: `host:1:${name}`,
          cluster: name,
          version: "test",
          roles: ["investigations"],
          host: "host",
          pid: 1,
          startedAt: now,
          lastSeen: now,
        });
      }
      // The names really are spread: more than one node holds some of the agents hashes.
      const owners = new Set(
        NAMES.map((name) => {
          const slot = redisCli(cluster.nodes[0]?.port as number, "cluster", "keyslot", registry.key(name));
          return cluster.nodes.findIndex(
            (node) => Number(redisCli(node.port, "cluster", "countkeysinslot", slot.trim())) > 0,
          );
        }),
      );
      expect(owners.size).toBeGreaterThan(1);
      expect(scopePrefix(base, "eu-1", { hashTag: true })).toBe(`{${base}:eu-1}`);
      expect(await registry.discover()).toEqual([...NAMES].sort());
      // Deleting by pattern reaches every node too (one DEL per key: they live in different slots).
      expect(await deleteMatching(redis, `{${base}:*`)).toBe(NAMES.length);
      expect(await registry.discover()).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
