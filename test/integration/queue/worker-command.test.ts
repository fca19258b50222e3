import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readAudit } from "../../../src/queue/audit.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { trigger, uniquePrefix, waitFor } from "../../support/queue-helpers.js";

const CLI = fileURLToPath(new URL("../../../src/cli.ts", import.meta.url));
const SHOP = fileURLToPath(new URL("../../fixtures/sim/shop.yaml", import.meta.url));
let sim: SimCluster;
let dir: string;

beforeAll(async () => {
  sim = await startSimCluster({ state: SHOP, reconciler: null });
  dir = mkdtempSync(join(tmpdir(), "queue-cmd-"));
  await sim.writeKubeconfig(join(dir, "kubeconfig"), "reader");
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

function startWorker(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "worker"], {
    env: { ...process.env, LOG_LEVEL: "info", HEALTH_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { child, stderr: () => stderr };
}

describe("k8s-triage worker", () => {
  it("investigates on the simulated cluster and exits 0 on SIGTERM", async () => {
    const prefix = uniquePrefix("cmd");
    const worker = startWorker({
      REDIS_URL: inject("redisUrl"),
      QUEUE_PREFIX: prefix,
      KUBECONFIG: join(dir, "kubeconfig"),
      ANTHROPIC_API_KEY: "",
      SLACK_BOT_TOKEN: "",
    });
    const redis = createProducerConnection(inject("redisUrl"));
    await waitReady(redis);
    const producer = new Producer({ redis, prefix, retentionHours: 1 });
    try {
      const healthPort = await waitFor(
        () => /"healthPort":(\d+)/.exec(worker.stderr())?.[1],
        "the worker to start and report its health port",
      );
      const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
      expect(ready.status).toBe(200);
      const { investigation } = await producer.submitTrigger(trigger("shop", { source: "slash-command" }));
      const done = await waitFor(async () => {
        const record = await producer.store.get(investigation.id);
        return record && ["proposed", "completed", "failed"].includes(record.status) ? record : undefined;
      }, "the investigation to finish");
      expect(done.error).toBeUndefined();
      expect(done.rca?.source).toBe("deterministic");
      expect(done.triage?.rootCauses.length).toBeGreaterThan(0);
      const kinds = (await readAudit(redis, investigation.id, { prefix })).map((e) => e.kind);
      expect(kinds[0]).toBe("trigger");

      // The record is final a moment before BullMQ moves the job to completed: poll the scrape.
      const metrics = await waitFor(async () => {
        const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
        return /k8s_triage_queue_jobs\{queue="investigations",state="completed"\} 1\b/.test(text)
          ? text
          : undefined;
      }, "the queue gauge to count the completed job");
      expect(metrics).toMatch(/k8s_triage_investigations_total\{[^}]*\} [1-9]/);

      const exited = once(worker.child, "exit");
      worker.child.kill("SIGTERM");
      const [code] = await exited;
      expect(code).toBe(0);
      expect(worker.stderr()).toContain("workers stopped");
    } finally {
      worker.child.kill("SIGKILL");
      await producer.close();
      await redis.quit();
    }
  });

  it("refuses to start without REDIS_URL unless --dev-redis is given", async () => {
    const worker = startWorker({ REDIS_URL: "" });
    const [code] = await once(worker.child, "exit");
    expect(code).toBe(1);
    expect(worker.stderr()).toContain("REDIS_URL_MISSING");
  });
});
