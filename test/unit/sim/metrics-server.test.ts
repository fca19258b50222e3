import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/domain/kube.js";
import { nodeMetrics, podMetrics } from "../../../src/sim/metrics-server.js";
import { SimStore } from "../../../src/sim/store.js";

const NOW = "2026-01-15T14:30:00.000Z";

function pod(
  name: string,
  running: boolean,
  annotations: Record<string, string>,
  limits: Record<string, string>,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "shop", labels: { app: name }, annotations },
    spec: { nodeName: "node-1", containers: [{ name: "app", image: "app:1", resources: { limits } }] },
    status: {
      phase: "Running",
      containerStatuses: [
        {
          name: "app",
          ready: running,
          restartCount: 0,
          image: "app:1",
          imageID: "",
          state: running ? { running: { startedAt: NOW } } : { waiting: { reason: "CrashLoopBackOff" } },
        },
      ],
    },
  };
}

function store(...objects: KubeObject[]): SimStore {
  const view = new SimStore({ now: () => NOW, nowMs: () => Date.parse(NOW) });
  for (const object of objects) view.upsert(object);
  return view;
}

const MI = 2 ** 20;
const kib = (text: string | undefined) => Number(text?.replace("Ki", "")) * 1024;
const cores = (text: string | undefined) => Number(text?.replace("n", "")) / 1e9;

describe("the simulated metrics-server", () => {
  it("reports declared usage, caps memory under the limit (OOM) and CPU at the limit (throttled)", () => {
    const view = store(
      pod(
        "fits",
        true,
        { "triage.sim/memory-usage": "100Mi", "triage.sim/cpu-usage": "200m" },
        { memory: "256Mi", cpu: "1" },
      ),
      pod("oom", true, { "triage.sim/memory-usage": "300Mi" }, { memory: "128Mi" }),
      pod("hot", true, { "triage.sim/cpu-usage": "2" }, { cpu: "500m" }),
      pod("waiting", false, {}, {}),
    );
    const byName = new Map(podMetrics(view, "shop").map((item) => [item.metadata.name, item]));
    // A pod with no running container has no metrics, as with a real metrics-server.
    expect([...byName.keys()].sort()).toEqual(["fits", "hot", "oom"]);
    const fits = byName.get("fits")?.containers[0]?.usage;
    expect(kib(fits?.memory) / MI).toBeGreaterThan(97);
    expect(kib(fits?.memory) / MI).toBeLessThan(103);
    expect(cores(fits?.cpu)).toBeCloseTo(0.2, 1);
    const oom = kib(byName.get("oom")?.containers[0]?.usage.memory);
    expect(oom).toBeLessThan(128 * MI);
    expect(oom).toBeGreaterThan(123 * MI);
    const hot = cores(byName.get("hot")?.containers[0]?.usage.cpu);
    expect(hot).toBeLessThanOrEqual(0.5);
    expect(hot).toBeGreaterThan(0.48);
    expect(byName.get("fits")).toMatchObject({
      kind: "PodMetrics",
      apiVersion: "metrics.k8s.io/v1beta1",
      metadata: { namespace: "shop", labels: { app: "fits" }, creationTimestamp: "2026-01-15T14:30:00Z" },
      timestamp: "2026-01-15T14:30:00Z",
      window: "15s",
    });
  });

  it("reports Ready nodes: their pods plus the system's share, or what the node declares", () => {
    const node = (name: string, ready: string, annotations: Record<string, string> = {}): KubeObject => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, annotations },
      status: { allocatable: { cpu: "4", memory: "16Gi" }, conditions: [{ type: "Ready", status: ready }] },
    });
    const view = store(
      node("node-1", "True"),
      node("node-2", "True", { "triage.sim/memory-usage": "15Gi" }),
      node("node-3", "Unknown"),
      pod("fits", true, { "triage.sim/memory-usage": "100Mi" }, { memory: "256Mi" }),
    );
    const byName = new Map(nodeMetrics(view).map((item) => [item.metadata.name, item.usage]));
    expect([...byName.keys()].sort()).toEqual(["node-1", "node-2"]);
    const system = 16 * 1024 * MI * 0.05 + 300 * MI;
    expect(kib(byName.get("node-1")?.memory)).toBeGreaterThan(system + 97 * MI);
    expect(kib(byName.get("node-1")?.memory)).toBeLessThan(system + 103 * MI);
    expect(kib(byName.get("node-2")?.memory)).toBe(15 * 1024 * MI);
  });
});
