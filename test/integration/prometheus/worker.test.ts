import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { parsePolicy } from "../../../src/config/policy.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { type LocalPrometheus, startLocalPrometheus } from "../../../src/dev/local-prometheus.js";
import type { Investigation } from "../../../src/domain/investigation.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { createClusterReader } from "../../../src/k8s/kube-reader.js";
import { createLogger } from "../../../src/log.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { type PipelineWorkers, startPipelineWorkers } from "../../../src/queue/worker.js";
import { defaultPipelineDeps } from "../../../src/roles/pipeline-deps.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { containerSeries, KNOWN, openMetrics } from "../../support/prometheus.js";
import { waitFor } from "../../support/queue-helpers.js";

// The worker as deployed: defaultPipelineDeps from the environment (PROMETHEUS_URL set), the
// simulated cluster, a real Prometheus, Slack faked at its HTTP API.
const POLICY = parsePolicy('routes: [{namespaces: ["prod-*"], channel: C0INC}]\n');
const NS = "prod-api";
let sim: SimCluster;
let prom: LocalPrometheus;
let fake: FakeSlack;
let workers: PipelineWorkers;
let producer: Producer;
let dir: string;
let pod = "";
const redis = () => createProducerConnection(inject("redisUrl"));
let connection: ReturnType<typeof redis>;

beforeAll(async () => {
  sim = await startSimCluster({ scenario: "prod-api-outage" });
  const reader = createClusterReader(sim.kubeConfig("reader"));
  pod =
    (await collectSnapshot(reader, { namespace: NS })).pods.find((p) =>
      p.metadata.name?.startsWith("analytics-service-"),
    )?.metadata.name ?? "";
  reader.close();
  const now = Math.floor(Date.now() / 1000);
  prom = await startLocalPrometheus({
    openMetrics: openMetrics(containerSeries(now, { namespace: NS, pod, container: "analytics-service" })),
  });
  dir = mkdtempSync(join(tmpdir(), "prom-worker-"));
  const kubeconfig = join(dir, "kubeconfig");
  await sim.writeKubeconfig(kubeconfig, "reader");
  fake = await new FakeSlack().start();
  const prefix = `prom-${randomUUID().slice(0, 8)}`;
  const env = parseEnv({
    KUBECONFIG: kubeconfig,
    SLACK_BOT_TOKEN: fake.token,
    SLACK_API_URL: fake.url,
    REDIS_URL: inject("redisUrl"),
    PROMETHEUS_URL: prom.url,
    PROMETHEUS_TIMEOUT_SECONDS: "5",
  });
  workers = await startPipelineWorkers({
    redisUrl: inject("redisUrl"),
    prefix,
    deps: (runtime) => defaultPipelineDeps(env, POLICY, runtime),
    policy: POLICY,
    concurrency: 1,
    retentionHours: 1,
    logger: createLogger({}, () => {}, "silent"),
  });
  connection = redis();
  await waitReady(connection);
  producer = new Producer({ redis: connection, prefix, retentionHours: 1 });
}, 180_000);
afterAll(async () => {
  await workers?.close(5000);
  await producer?.close();
  await connection?.quit();
  await fake?.stop();
  await prom?.stop();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a worker configured with PROMETHEUS_URL", () => {
  it("puts the alert's re-evaluation and the container numbers on the investigation, with charts", async () => {
    const { investigation } = await producer.submitTrigger({
      source: "alertmanager",
      namespace: NS,
      target: { kind: "Deployment", namespace: NS, name: "analytics-service" },
      receivedAt: new Date().toISOString(),
      signal: {
        alertname: "AnalyticsErrorRatio",
        expression: `http_requests_errors_ratio{namespace="${NS}"} > 0.05`,
      },
    });
    const done: Investigation = await waitFor(
      async () => {
        const current = await producer.store.get(investigation.id);
        return current && ["proposed", "completed", "failed"].includes(current.status) ? current : undefined;
      },
      "the investigation to finish",
      60_000,
    );
    expect(done.status).toBe("proposed");
    expect(done.triage?.metrics?.[0]).toMatch(
      /^Alert AnalyticsErrorRatio re-evaluated on Prometheus: .* = 0\.12$/,
    );
    expect(done.triage?.gaps.filter((gap) => gap.resource === "prometheus")).toEqual([]);
    expect(done.charts?.map((chart) => chart.threshold?.value)).toEqual([0.05, KNOWN.memoryLimit]);
    const oom = done.triage?.rootCauses.find((cause) => cause.category === "oom-killed");
    expect(oom?.evidence.some((line) => line.includes("peaked at 124Mi (130000000 bytes)"))).toBe(true);
    // The thread's evidence file carries the Prometheus lines.
    const evidence = await waitFor(
      () =>
        [...fake.workspace.uploads.values()].find((upload) =>
          upload.content?.includes("# Metrics (Prometheus)"),
        ),
      "the evidence file",
    );
    expect(evidence.content).toContain("Alert AnalyticsErrorRatio re-evaluated on Prometheus");
    // ...and the thread shows the alert's last hour and the memory against its limit as PNG images
    // with alt text, in the same reply as the evidence file.
    const filesReply = await waitFor(
      () => fake.workspace.messages.find((message) => message.files?.some((file) => file.filetype === "png")),
      "the thread's files reply with the charts",
    );
    const images = filesReply?.files?.filter((file) => file.filetype === "png") ?? [];
    expect(images).toHaveLength(2);
    for (const image of images) {
      expect(image.bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(image.bytes.length).toBeGreaterThan(5_000);
      expect(image.bytes.length).toBeLessThan(1024 * 1024);
    }
    expect(images[0]?.altText).toContain("AnalyticsErrorRatio");
    expect(images[1]?.altText).toMatch(/memory/i);
  });
});
