import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import type { Investigation, InvestigationUpdate } from "../../../src/domain/investigation.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { startPipelineWorkers } from "../../../src/queue/worker.js";
import { defaultPipelineDeps } from "../../../src/roles/pipeline-deps.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { policyFor, stepOf, trigger, uniquePrefix, waitFor } from "../../support/queue-helpers.js";

const SHOP = fileURLToPath(new URL("../../fixtures/sim/shop.yaml", import.meta.url));
let sim: SimCluster;
let dir: string;

beforeAll(async () => {
  sim = await startSimCluster({ state: SHOP, reconciler: null });
  dir = mkdtempSync(join(tmpdir(), "queue-scale-"));
  await sim.writeKubeconfig(join(dir, "kubeconfig"), "reader");
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("200 investigations on the simulated cluster", () => {
  it("all complete with concurrency 4 through the real collect and triage, none lost or duplicated", async () => {
    const total = 200;
    const prefix = uniquePrefix("scale");
    const env = parseEnv({ REDIS_URL: inject("redisUrl"), KUBECONFIG: join(dir, "kubeconfig") });
    const policy = policyFor();
    const posts: string[] = [];
    const workers = await startPipelineWorkers({
      redisUrl: inject("redisUrl"),
      prefix,
      policy,
      concurrency: 4,
      retentionHours: 1,
      // The real default wiring (no model configured: the deterministic RCA); only the
      // notifier is swapped for one that records what would be posted.
      deps: (runtime) => ({
        ...defaultPipelineDeps(env, policy, runtime),
        notifier: {
          async notify(investigation: Investigation, update: InvestigationUpdate) {
            posts.push(`${investigation.id} ${stepOf(update, investigation.status)}`);
          },
        },
      }),
    });
    const redis = createProducerConnection(inject("redisUrl"));
    await waitReady(redis);
    const producer = new Producer({ redis, prefix, retentionHours: 1 });
    try {
      const submitted = await Promise.all(
        Array.from({ length: total }, (_, i) =>
          producer.submitTrigger(
            trigger("shop", {
              source: "alertmanager",
              dedupKey: `alert-${i}`,
              target: { kind: "Deployment", namespace: "shop", name: `svc-${i}` },
            }),
          ),
        ),
      );
      const ids = submitted.map((s) => s.investigation.id);
      expect(new Set(ids).size).toBe(total);

      const counts = await waitFor(
        async () => {
          const c = await producer.investigations.getJobCounts("completed", "failed");
          return (c.completed ?? 0) + (c.failed ?? 0) === total ? c : undefined;
        },
        "every job to finish",
        150_000,
      );
      expect(counts).toEqual({ completed: total, failed: 0 });

      const records = await Promise.all(ids.map((id) => producer.store.require(id)));
      const statuses = new Set(records.map((r) => r.status));
      expect([...statuses].every((s) => s === "proposed" || s === "completed")).toBe(true);
      for (const record of records) {
        expect(record.triage?.namespace).toBe("shop");
        expect(record.triage?.rootCauses.length).toBeGreaterThan(0);
        expect(record.rca?.source).toBe("deterministic");
        expect(record.timeline.map((t) => t.status).slice(0, 3)).toEqual([
          "queued",
          "collecting",
          "analyzing",
        ]);
      }
      expect(new Set(posts).size).toBe(posts.length);
      for (const id of ids) {
        expect(posts.filter((p) => p === `${id} rca`)).toHaveLength(1);
        expect(posts.filter((p) => p === `${id} triage`)).toHaveLength(1);
      }
      // Read-only: the investigate phase sent no mutating request to the cluster.
      expect(sim.requests.filter((r) => !["GET", "HEAD"].includes(r.method))).toEqual([]);
    } finally {
      await workers.close(10_000);
      await producer.close();
      await redis.quit();
    }
  }, 180_000);
});
