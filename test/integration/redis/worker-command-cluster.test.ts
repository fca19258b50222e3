import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { trigger, uniquePrefix, waitFor } from "../../support/queue-helpers.js";
import { type RedisClusterNodes, startRedisCluster } from "../../support/redis-topology.js";

const CLI = fileURLToPath(new URL("../../../src/cli.ts", import.meta.url));
const SHOP = fileURLToPath(new URL("../../fixtures/sim/shop.yaml", import.meta.url));
let sim: SimCluster;
let cluster: RedisClusterNodes;
let dir: string;

beforeAll(async () => {
  [sim, cluster] = await Promise.all([
    startSimCluster({ state: SHOP, reconciler: null }),
    startRedisCluster(3),
  ]);
  dir = mkdtempSync(join(tmpdir(), "redis-cluster-cmd-"));
  await sim.writeKubeconfig(join(dir, "kubeconfig"), "reader");
});
afterAll(async () => {
  await sim?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("k8s-triage worker on a Redis Cluster", () => {
  it("takes REDIS_CLUSTER_NODES, hash-tags QUEUE_PREFIX by itself and investigates", async () => {
    const base = uniquePrefix("cmd-cluster");
    const nodes = cluster.nodes.map((node) => `127.0.0.1:${node.port}`).join(",");
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "worker"], {
      env: {
        ...process.env,
        LOG_LEVEL: "info",
        HEALTH_PORT: "0",
        REDIS_URL: "",
        REDIS_CLUSTER_NODES: nodes,
        QUEUE_PREFIX: base,
        KUBECONFIG: join(dir, "kubeconfig"),
        ANTHROPIC_API_KEY: "",
        SLACK_BOT_TOKEN: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const redis = createProducerConnection({
      mode: "cluster",
      nodes: cluster.nodes.map((node) => ({ host: "127.0.0.1", port: node.port })),
    });
    try {
      await waitReady(redis, 10_000);
      // What every role derives from QUEUE_PREFIX on a Cluster: the tagged prefix.
      const producer = new Producer({ redis, prefix: `{${base}}`, retentionHours: 1 });
      const healthPort = await waitFor(
        () => /"healthPort":(\d+)/.exec(stderr)?.[1],
        "the worker to start and report its health port",
      );
      expect(stderr).toContain(`"prefix":"{${base}}"`);
      const ready = await waitFor(async () => {
        const response = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
        return response.status === 200 ? response : undefined;
      }, "the worker to be ready");
      expect(ready.status).toBe(200);
      const { investigation } = await producer.submitTrigger(trigger("shop", { source: "slash-command" }));
      const done = await waitFor(async () => {
        const record = await producer.store.get(investigation.id);
        return record && ["proposed", "completed", "failed"].includes(record.status) ? record : undefined;
      }, "the investigation to finish");
      expect(done.error).toBeUndefined();
      expect(done.triage?.rootCauses.length).toBeGreaterThan(0);
      await producer.close();
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      child.kill("SIGKILL");
      redis.disconnect();
    }
  });
});
