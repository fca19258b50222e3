import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalPrometheus, startLocalPrometheus } from "../../../src/dev/local-prometheus.js";
import type { TriageResult } from "../../../src/domain/types.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { createClusterReader } from "../../../src/k8s/kube-reader.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { containerSeries, openMetrics } from "../../support/prometheus.js";
import { runCli } from "../cli/run-cli.js";

// `k8s-triage triage` against a live (simulated) cluster with PROMETHEUS_URL set: the container
// checks come from a real Prometheus and show in the report.
let sim: SimCluster;
let prom: LocalPrometheus;
let dir: string;
let kubeconfig: string;
let pod = "";

beforeAll(async () => {
  sim = await startSimCluster({ scenario: "prod-api-outage" });
  const reader = createClusterReader(sim.kubeConfig("reader"));
  const snapshot = await collectSnapshot(reader, { namespace: "prod-api" });
  reader.close();
  pod = snapshot.pods.find((p) => p.metadata.name?.startsWith("analytics-service-"))?.metadata.name ?? "";
  const now = Math.floor(Date.now() / 1000);
  prom = await startLocalPrometheus({
    openMetrics: openMetrics(
      containerSeries(now, { namespace: "prod-api", pod, container: "analytics-service" }),
    ),
  });
  dir = await mkdtemp(join(tmpdir(), "prom-cli-"));
  kubeconfig = join(dir, "kubeconfig");
  await sim.writeKubeconfig(kubeconfig, "reader");
}, 180_000);
afterAll(async () => {
  await prom?.stop();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("k8s-triage triage with PROMETHEUS_URL", () => {
  it("adds the container numbers to the JSON result and the text report", async () => {
    const json = await runCli(
      ["triage", "prod-api", "--kubeconfig", kubeconfig, "--format", "json", "--no-llm"],
      {
        PROMETHEUS_URL: prom.url,
      },
    );
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as TriageResult;
    const line = result.metrics?.find((m) => m.includes(`pod prod-api/${pod}`));
    expect(line).toMatch(/restarted 5 time\(s\) in the last hour \(7 in total\); last terminated OOMKilled/);
    const text = await runCli(["triage", "prod-api", "--kubeconfig", kubeconfig, "--no-llm"], {
      PROMETHEUS_URL: prom.url,
    });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Metrics (Prometheus)");
    expect(text.stdout).toContain(line);
  });

  it("says what is wrong with a bad PROMETHEUS_URL", async () => {
    const run = await runCli(["triage", "prod-api", "--kubeconfig", kubeconfig, "--no-llm"], {
      PROMETHEUS_URL: "prometheus:9090",
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/PROMETHEUS_URL/);
  });
});
