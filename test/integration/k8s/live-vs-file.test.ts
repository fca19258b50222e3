import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { TriageResult } from "../../../src/domain/types.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { snapshotFromFile } from "../../../src/k8s/from-file.js";
import { createClusterReader } from "../../../src/k8s/kube-reader.js";
import { startSimCluster } from "../../../src/sim/index.js";
import { listScenarios, scenarioPath } from "../../../src/sim/scenarios/index.js";
import { triage } from "../../../src/triage/index.js";
import { shopState } from "./fixture.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "live-vs-file-"));
  await writeFile(join(dir, "shop.yaml"), shopState());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A result without what legitimately differs between runs (request count, duration). */
const comparable = (result: TriageResult) => ({
  ...result,
  stats: { pods: result.stats.pods, events: result.stats.events },
});

/**
 * Triage of a simulated cluster started from `path`, collected live, and the state the cluster
 * then holds (controllers may have created pods with generated names) written as a state file:
 * that file is what "the same cluster, offline" means.
 */
async function liveTriage(
  path: string,
  namespace: string,
): Promise<{ result: TriageResult; exported: string }> {
  const sim = await startSimCluster({ state: path });
  const reader = createClusterReader(sim.kubeConfig("reader"));
  try {
    const snapshot = await collectSnapshot(reader, { namespace }, { now: sim.clock.now() });
    expect(snapshot.source).toEqual({ type: "live" });
    const exported = join(dir, `${namespace}-${Date.now()}-exported.yaml`);
    // The cluster runs metrics-server: a dump of it holds what `kubectl get podmetrics,nodemetrics
    // -o yaml` prints too, so the file carries the same usage the live read saw.
    const metrics = [...(snapshot.nodeMetrics ?? []), ...(snapshot.podMetrics ?? [])];
    await writeFile(
      exported,
      [sim.exportState(), ...metrics.map((object) => stringify(object))].join("---\n"),
    );
    return { result: triage(snapshot, { namespace }), exported };
  } finally {
    reader.close();
    await sim.close();
  }
}

async function fileTriage(path: string, namespace: string): Promise<TriageResult> {
  const snapshot = await snapshotFromFile(path, { namespace });
  expect(snapshot.source).toEqual({ type: "file", path });
  return triage(snapshot, { namespace });
}

/** The namespace a scenario is about: the one with the most pods. */
async function busiestNamespace(path: string): Promise<string> {
  const sim = await startSimCluster({ state: path });
  try {
    const counts = new Map<string, number>();
    for (const pod of sim.view.list("Pod")) {
      const ns = pod.metadata.namespace ?? "";
      counts.set(ns, (counts.get(ns) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "default";
  } finally {
    await sim.close();
  }
}

describe("a state file triages the same as the simulated cluster serving it", () => {
  it("for the shop fixture", async () => {
    const path = join(dir, "shop.yaml");
    const live = await liveTriage(path, "shop");
    const file = await fileTriage(live.exported, "shop");
    expect(live.result.rootCauses.length).toBeGreaterThan(0);
    expect(comparable(file)).toEqual(comparable(live.result));
    // With no controller-made objects, the original file is that same cluster too — but without
    // metrics-server's usage, which it never recorded: it says so, and nothing else differs.
    const original = await fileTriage(path, "shop");
    expect(original.metricsServer).toEqual({
      available: false,
      message: expect.stringMatching(/^metrics-server not available: .*HTTP 404/),
    });
    const { metricsServer: _fromFile, ...originalRest } = comparable(original);
    const { metricsServer: _live, ...liveRest } = comparable(live.result);
    expect(live.result.metricsServer?.available).toBe(true);
    expect(originalRest).toEqual(liveRest);
  });

  for (const scenario of listScenarios()) {
    it(`for scenario ${scenario}`, async () => {
      const path = scenarioPath(scenario);
      const namespace = await busiestNamespace(path);
      const live = await liveTriage(path, namespace);
      const file = await fileTriage(live.exported, namespace);
      expect(comparable(file)).toEqual(comparable(live.result));
    });
  }
});
