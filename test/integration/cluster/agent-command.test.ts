import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AgentRegistry, scopePrefix } from "../../../src/cluster/index.js";
import { DetectState } from "../../../src/detect/detect-state.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { trigger, uniquePrefix, waitFor } from "../../support/queue-helpers.js";
import { admin, brokenDeployment } from "../../support/sim-admin.js";

const CLI = fileURLToPath(new URL("../../../src/cli.ts", import.meta.url));
let sim: SimCluster;
let dir: string;
let policyFile: string;

beforeAll(async () => {
  sim = await startSimCluster({ scenario: "prod-api-outage" });
  dir = mkdtempSync(join(tmpdir(), "agent-cmd-"));
  await sim.writeKubeconfig(join(dir, "kubeconfig"), "reader");
  policyFile = join(dir, "policy.yaml");
  writeFileSync(
    policyFile,
    `routes:\n  - {namespaces: ["prod-*"], channel: C0USPROD, clusters: ["us-*"]}\n  - {namespaces: ["prod-*"], channel: C0EUPROD, clusters: ["eu-*"]}\n`,
  );
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: "info",
      HEALTH_PORT: "0",
      ANTHROPIC_API_KEY: "",
      SLACK_BOT_TOKEN: "",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { child, stderr: () => stderr };
}

describe("k8s-triage worker --cluster", () => {
  it("registers as the cluster's agent, works only that cluster's queue, and marks itself stopped on SIGTERM", async () => {
    const base = uniquePrefix("agent");
    const worker = run(["worker", "--cluster", "eu-1"], {
      REDIS_URL: inject("redisUrl"),
      QUEUE_PREFIX: base,
      KUBECONFIG: join(dir, "kubeconfig"),
      NOTIFY_VIA: "queue",
      AGENT_HEARTBEAT_SECONDS: "0.5",
    });
    const redis = createProducerConnection(inject("redisUrl"));
    await waitReady(redis);
    const registry = new AgentRegistry(redis, base);
    const eu = new Producer({ redis, prefix: scopePrefix(base, "eu-1"), retentionHours: 1, cluster: "eu-1" });
    const other = new Producer({
      redis,
      prefix: scopePrefix(base, "us-1"),
      retentionHours: 1,
      cluster: "us-1",
    });
    try {
      const [agent] = await waitFor(
        async () => {
          const agents = await registry.agents("eu-1");
          return agents[0]?.namespaces ? agents : undefined;
        },
        "the agent's heartbeat with its namespaces",
        60_000,
      );
      expect(agent).toMatchObject({ cluster: "eu-1", pid: worker.child.pid, version: expect.any(String) });
      // NOTIFY_VIA=queue: the notifications queue is central's, not consumed here.
      expect(agent?.roles).toEqual(["investigations", "remediations", "follow-ups"]);
      expect(agent?.namespaces).toContain("prod-api");
      expect(await registry.discover()).toEqual(["eu-1"]);

      const mine = await eu.submitTrigger({ ...trigger("prod-api"), cluster: "eu-1" });
      const notMine = await other.submitTrigger({ ...trigger("prod-api"), cluster: "us-1" });
      const done = await waitFor(
        async () => {
          const record = await eu.store.get(mine.investigation.id);
          return record && ["proposed", "completed"].includes(record.status) ? record : undefined;
        },
        "eu-1's investigation to be worked by its agent",
        60_000,
      );
      expect(done.triage?.cluster).toBe("eu-1");
      expect(done.triage?.rootCauses.length).toBeGreaterThan(0);
      expect(done.triage?.rootCauses.every((cause) => cause.cluster === "eu-1")).toBe(true);
      // Its updates wait in eu-1's notifications queue for the central serve.
      await waitFor(async () => (await eu.investigations.getCompletedCount()) === 1, "the job to complete");
      const notifications = new Queue("notifications", {
        connection: redis,
        prefix: scopePrefix(base, "eu-1"),
      });
      expect(await notifications.count()).toBeGreaterThan(0);
      // Retried for a Slack outage of minutes, not seconds: nothing else can post them any more.
      const [waiting] = await notifications.getJobs(["waiting"], 0, 0);
      expect(waiting?.opts).toMatchObject({ attempts: 10, backoff: { type: "exponential", delay: 2000 } });
      await notifications.close();
      expect((await other.store.get(notMine.investigation.id))?.status).toBe("queued");
      expect(await other.investigations.getWaitingCount()).toBe(1);
    } finally {
      worker.child.kill("SIGTERM");
      const [code] = (await once(worker.child, "exit")) as [number];
      expect(code, worker.stderr()).toBe(0);
      const [stopped] = await registry.agents("eu-1");
      expect(stopped?.stopped).toBe(true);
      await eu.close();
      await other.close();
      await redis.quit();
    }
  }, 120_000);

  it("watcher --cluster: its incidents go to its own cluster's scope, named by it", async () => {
    const base = uniquePrefix("watch");
    const watcher = run(["watcher", "--cluster", "eu-1"], {
      REDIS_URL: inject("redisUrl"),
      QUEUE_PREFIX: base,
      KUBECONFIG: join(dir, "kubeconfig"),
      AGENT_HEARTBEAT_SECONDS: "0.5",
      TRIAGE_POLICY_FILE: policyFile,
    });
    const redis = createProducerConnection(inject("redisUrl"));
    await waitReady(redis);
    const eu = new Producer({ redis, prefix: scopePrefix(base, "eu-1"), retentionHours: 1, cluster: "eu-1" });
    try {
      const state = new DetectState(redis, scopePrefix(base, "eu-1"));
      await waitFor(async () => (await state.resourceVersion()) ?? undefined, "the watch to start", 60_000);
      const [agent] = await new AgentRegistry(redis, base).agents("eu-1");
      expect(agent?.roles).toEqual(["watcher"]);
      sim.clock.advance(60_000);
      await admin(sim, "POST", "/apis/apps/v1/namespaces/prod-api/deployments", brokenDeployment("billing"));
      sim.clock.advance(60_000);
      const billing = await waitFor(
        async () => (await eu.store.recent(50)).find((item) => item.trigger.target?.name === "billing"),
        "the watcher's incident in eu-1's scope",
        60_000,
      );
      // The route scoped to eu-* applies to this watcher's cluster.
      expect(billing.trigger).toMatchObject({
        source: "watcher",
        cluster: "eu-1",
        namespace: "prod-api",
        slack: { channel: "C0EUPROD" },
      });
      // Nothing in the unscoped (default cluster) layout.
      const unscoped = new Producer({ redis, prefix: base, retentionHours: 1 });
      expect(await unscoped.store.recent(50)).toEqual([]);
      await unscoped.close();
    } finally {
      watcher.child.kill("SIGTERM");
      await once(watcher.child, "exit");
      await eu.close();
      await redis.quit();
    }
  }, 120_000);

  it("refuses a cluster name that is not a DNS label", async () => {
    const worker = run(["worker", "--cluster", "EU_1"], { REDIS_URL: inject("redisUrl") });
    const [code] = (await once(worker.child, "exit")) as [number];
    expect(code).not.toBe(0);
    expect(worker.stderr()).toContain("CLUSTER_NAME_INVALID");
    expect(worker.stderr()).toContain("must be a DNS label");
  });
});
