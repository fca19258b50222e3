import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, QueueEvents, Worker } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import {
  createProducerConnection,
  createWorkerConnection,
  waitReady,
} from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { type ProgressEvent, subscribeProgress } from "../../../src/queue/progress.js";
import { pipelinePrefix, redisSettingsFromEnv } from "../../../src/queue/redis-settings.js";
import { InvestigationStore } from "../../../src/queue/store.js";
import { createServingCertificate } from "../../../src/sim/tls.js";
import { jobFinished, startHarness } from "../../support/queue-harness.js";
import { scriptedRca, trigger, uniquePrefix, waitFor } from "../../support/queue-helpers.js";
import { redisCli, startRedisCluster } from "../../support/redis-topology.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

describe("Redis Cluster", () => {
  it("runs queues, workers and the investigation store on a 3-node cluster under a hash-tagged prefix", async () => {
    const cluster = await startRedisCluster(3);
    cleanup.push(() => cluster.stop());
    const [a, b, c] = cluster.nodes.map((node) => node.port);
    const settings = redisSettingsFromEnv({ REDIS_CLUSTER_NODES: `127.0.0.1:${a},127.0.0.1:${b}` });
    if (!settings) throw new Error("no settings");
    const base = uniquePrefix("cluster");
    const prefix = pipelinePrefix(base, settings);
    expect(prefix).toBe(`{${base}}`);
    // Cluster names get their own tag, so clusters spread over the slots.
    expect(pipelinePrefix(base, settings, "eu-1")).toBe(`{${base}:eu-1}`);

    const h = await startHarness(
      settings,
      { analyze: async ({ triage }) => scriptedRca(triage) },
      { prefix },
    );
    cleanup.push(() => h.close(1000));
    const events: ProgressEvent[] = [];
    const unsubscribe = await subscribeProgress(h.redis, (event) => events.push(event), { prefix });
    cleanup.push(unsubscribe);

    const submitted = await Promise.all(
      ["shop", "billing", "search"].map((namespace) => h.producer.submitTrigger(trigger(namespace))),
    );
    for (const { investigation } of submitted) await jobFinished(h, investigation.id);
    for (const { investigation } of submitted) {
      expect((await h.producer.store.require(investigation.id)).status).toBe("completed");
    }
    await waitFor(
      () => events.filter((event) => event.status === "completed").length === 3,
      "three completed progress events",
    );

    // Every key of the prefix is on the one node that owns the tag's slot.
    const slot = Number(redisCli(a as number, "cluster", "keyslot", prefix));
    const counts = [a, b, c].map((port) =>
      Number(redisCli(port as number, "cluster", "countkeysinslot", String(slot))),
    );
    expect(counts.filter((count) => count > 0)).toHaveLength(1);

    // A store seeded from the third node finds the same records (the client follows MOVED).
    const other = createWorkerConnection({
      mode: "cluster",
      nodes: [{ host: "127.0.0.1", port: c as number }],
    });
    cleanup.push(async () => other.disconnect());
    const store = new InvestigationStore(other, { prefix, retentionHours: 1 });
    const first = submitted[0]?.investigation.id as string;
    expect((await store.require(first)).triage?.namespace).toBe("shop");
  });

  it("runs a plain BullMQ queue and worker through the cluster, and refuses an untagged prefix with CROSSSLOT", async () => {
    const cluster = await startRedisCluster(3);
    cleanup.push(() => cluster.stop());
    const settings = redisSettingsFromEnv({
      REDIS_CLUSTER_NODES: cluster.nodes.map((node) => `127.0.0.1:${node.port}`).join(","),
    });
    if (!settings) throw new Error("no settings");
    const prefix = pipelinePrefix(uniquePrefix("bull"), settings);
    const producerConnection = createProducerConnection(settings, "test-producer");
    cleanup.push(async () => producerConnection.disconnect());
    await waitReady(producerConnection, 10_000);
    const workerConnection = createWorkerConnection(settings, "test-worker");
    cleanup.push(async () => workerConnection.disconnect());

    const queue = new Queue("jobs", { connection: producerConnection, prefix });
    cleanup.push(() => queue.close());
    const worker = new Worker("jobs", async (job) => ({ doubled: (job.data as { n: number }).n * 2 }), {
      connection: workerConnection,
      prefix,
    });
    cleanup.push(() => worker.close());
    // QueueEvents does not close a connection it was given: this one is ours to end, or it would
    // outlive the cluster and reject its reconnect attempts unhandled.
    const eventsConnection = workerConnection.duplicate();
    cleanup.push(async () => eventsConnection.disconnect());
    const queueEvents = new QueueEvents("jobs", { connection: eventsConnection, prefix });
    cleanup.push(() => queueEvents.close());
    await queueEvents.waitUntilReady();
    const job = await queue.add("double", { n: 21 });
    await waitFor(async () => (await job.getState()) === "completed", "the first job to complete");
    expect((await queue.getJob(job.id as string))?.returnvalue).toEqual({ doubled: 42 });
    // QueueEvents (XREAD BLOCK on the tag's node) is listening by now and sees the next job finish.
    const next = await queue.add("double", { n: 2 });
    expect(await next.waitUntilFinished(queueEvents, 20_000)).toEqual({ doubled: 4 });

    // What the hash tag prevents: the store's multi-key script on an untagged prefix.
    const untagged = new Producer({
      redis: producerConnection,
      prefix: uniquePrefix("untagged"),
      retentionHours: 1,
    });
    cleanup.push(() => untagged.close());
    await expect(untagged.submitTrigger(trigger("shop"))).rejects.toThrow(/CROSSSLOT/);
  });

  it("reaches a TLS-only cluster with REDIS_TLS_CA_FILE", async () => {
    const dir = mkdtempSync(join(tmpdir(), "k8s-triage-cluster-tls-"));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const certificate = createServingCertificate("redis-cluster-test", { clientAuth: true });
    const cert = join(dir, "redis.crt");
    const key = join(dir, "redis.key");
    writeFileSync(cert, certificate.cert);
    writeFileSync(key, certificate.key, { mode: 0o600 });
    const cluster = await startRedisCluster(3, { cert, key, ca: cert });
    cleanup.push(() => cluster.stop());
    const settings = redisSettingsFromEnv({
      REDIS_CLUSTER_NODES: cluster.nodes.map((node) => `localhost:${node.port}`).join(","),
      REDIS_TLS_CA_FILE: cert,
    });
    if (!settings) throw new Error("no settings");
    const prefix = pipelinePrefix(uniquePrefix("cluster-tls"), settings);
    const h = await startHarness(settings, {}, { prefix });
    cleanup.push(() => h.close(1000));
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    await jobFinished(h, investigation.id);
    expect((await h.producer.store.require(investigation.id)).status).toBe("completed");
  });
});
