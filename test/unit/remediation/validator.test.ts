import { describe, expect, it } from "vitest";
import type { RemediationProposal } from "../../../src/domain/actions.js";
import type { KubeEvent, KubeObject, Pod } from "../../../src/domain/kube.js";
import type { ClusterReader, ListOptions } from "../../../src/k8s/reader.js";
import { validateRemediation } from "../../../src/remediation/validator.js";

/** An in-memory read path whose contents a test changes as simulated time passes. */
class FakeReader implements ClusterReader {
  objects: Record<string, KubeObject[]> = {
    pods: [],
    events: [],
    persistentvolumeclaims: [],
    deployments: [],
  };
  requestCount = 0;
  async list(plural: string, options: ListOptions = {}): Promise<KubeObject[]> {
    const items = this.objects[plural] ?? [];
    if (options.fieldSelector === "type=Warning")
      return items.filter((item) => (item as KubeEvent).type === "Warning");
    return structuredClone(items);
  }
  async get(plural: string, name: string): Promise<KubeObject | undefined> {
    return structuredClone((this.objects[plural] ?? []).find((item) => item.metadata.name === name));
  }
  async podLog(): Promise<string> {
    return "";
  }
  async readyz(): Promise<string> {
    return "";
  }
  async version(): Promise<string> {
    return "";
  }
  async watch(): Promise<void> {}
}

const start = Date.parse("2026-11-21T09:00:00Z");

function pod(name: string, ready: boolean, restarts = 0, extra: Partial<Pod["spec"]> = {}): Pod {
  return {
    kind: "Pod",
    metadata: { name, namespace: "ns", uid: `uid-${name}`, labels: { app: "web" } },
    spec: { containers: [{ name: "app", image: "web:2" }], ...extra },
    status: {
      phase: ready ? "Running" : "Pending",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
      containerStatuses: [
        {
          name: "app",
          ready,
          restartCount: restarts,
          ...(ready ? {} : { state: { waiting: { reason: "CrashLoopBackOff" } } }),
        },
      ],
    },
  };
}

function deployment(updated: number, available: number): KubeObject {
  return {
    kind: "Deployment",
    metadata: { name: "web", namespace: "ns", generation: 2 },
    spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { spec: { containers: [] } } },
    status: { observedGeneration: 2, replicas: 2, updatedReplicas: updated, availableReplicas: available },
  };
}

const setResources: RemediationProposal = {
  action: "set-resources",
  target: { kind: "Deployment", namespace: "ns", name: "web" },
  params: { container: "app", limits: { memory: "256Mi" } },
  id: "set-resources:ns/web/app",
  rootCauseId: "rc",
  risk: "medium",
  summary: "s",
  change: "c",
  preconditions: {},
};

function harness(onAdvance: (elapsedMs: number, reader: FakeReader) => void) {
  const reader = new FakeReader();
  let now = start;
  const slept: number[] = [];
  return {
    reader,
    clock: { now: () => now },
    slept,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
      onAdvance(now - start, reader);
    },
  };
}

describe("validateRemediation", () => {
  it("resolves once the rollout completes and holds through the settle window", async () => {
    const h = harness((elapsed, reader) => {
      if (elapsed >= 6_000) {
        reader.objects.deployments = [deployment(2, 2)];
        reader.objects.pods = [pod("web-a", true), pod("web-b", true)];
      }
    });
    h.reader.objects.deployments = [deployment(1, 1)];
    h.reader.objects.pods = [pod("web-a", true), pod("web-old", false, 3)];
    const outcome = await validateRemediation({
      proposal: setResources,
      reader: h.reader,
      timeoutMs: 60_000,
      settleMs: 10_000,
      clock: h.clock,
      sleep: h.sleep,
    });
    expect(outcome.verdict).toBe("resolved");
    expect(outcome.evidence).toEqual([
      "ok: rollout of Deployment ns/web: 2/2 updated, 2/2 available, 2 total complete",
      "ok: all 2 pods of Deployment ns/web are Running and Ready",
      "ok: no restarts and no new Warning events during the 10 s settle window",
    ]);
    // Backoff: 2 s, 4 s, then the settle window.
    expect(h.slept).toEqual([2_000, 4_000, 10_000]);
  });

  it("is not resolved when a pod restarts during the settle window", async () => {
    const h = harness((elapsed, reader) => {
      reader.objects.pods = [pod("web-a", true, Math.floor(elapsed / 10_000)), pod("web-b", true)];
    });
    h.reader.objects.deployments = [deployment(2, 2)];
    h.reader.objects.pods = [pod("web-a", true), pod("web-b", true)];
    const outcome = await validateRemediation({
      proposal: setResources,
      reader: h.reader,
      timeoutMs: 30_000,
      settleMs: 10_000,
      clock: h.clock,
      sleep: h.sleep,
    });
    expect(outcome.verdict).toBe("partially-resolved");
    expect(outcome.evidence).toContain("FAIL: during the settle window: web-a restarted (3 restarts)");
  });

  it("counts only Warning events about the target's pods since the settle window began", async () => {
    const warning = (name: string, at: number): KubeEvent => ({
      kind: "Event",
      metadata: { name: `${name}.1`, namespace: "ns" },
      involvedObject: { kind: "Pod", name },
      type: "Warning",
      reason: "Unhealthy",
      message: "Readiness probe failed",
      lastTimestamp: new Date(at).toISOString(),
    });
    const h = harness((elapsed, reader) => {
      if (elapsed === 10_000)
        reader.objects.events = [warning("web-old", start + 10_000), warning("web-b", start + 5_000)];
      if (elapsed > 10_000) reader.objects.events = [warning("web-a", start + elapsed)];
    });
    h.reader.objects.deployments = [deployment(2, 2)];
    h.reader.objects.pods = [pod("web-a", true), pod("web-b", true)];
    const outcome = await validateRemediation({
      proposal: setResources,
      reader: h.reader,
      timeoutMs: 30_000,
      settleMs: 10_000,
      clock: h.clock,
      sleep: h.sleep,
    });
    expect(outcome.verdict).toBe("partially-resolved");
    expect(outcome.evidence.filter((line) => line.includes("Readiness probe failed"))).toEqual([
      "FAIL: during the settle window: Pod web-a: Unhealthy: Readiness probe failed",
    ]);
  });

  it("is not resolved when nothing improves before the timeout", async () => {
    const h = harness(() => {});
    h.reader.objects.deployments = [deployment(0, 0)];
    h.reader.objects.pods = [pod("web-a", false, 5), pod("web-b", false, 5)];
    const outcome = await validateRemediation({
      proposal: setResources,
      reader: h.reader,
      timeoutMs: 20_000,
      clock: h.clock,
      sleep: h.sleep,
    });
    expect(outcome.verdict).toBe("not-resolved");
    expect(outcome.evidence).toEqual([
      "FAIL: rollout of Deployment ns/web: 0/2 updated, 0/2 available, 2 total",
      "FAIL: 0/2 pods of Deployment ns/web Ready; not ready: web-a (CrashLoopBackOff, 5 restarts), web-b (CrashLoopBackOff, 5 restarts)",
      "criteria did not hold within 20 s (5 checks)",
    ]);
    expect(h.slept.reduce((a, b) => a + b, 0)).toBe(20_000);
  });

  it("checks a created PVC is Bound and the pods mounting it run", async () => {
    const proposal: RemediationProposal = {
      action: "create-pvc",
      target: { kind: "PersistentVolumeClaim", namespace: "ns", name: "data" },
      params: { storageClassName: "standard", size: "1Gi", accessModes: ["ReadWriteOnce"] },
      id: "create-pvc:ns/data",
      rootCauseId: "rc",
      risk: "low",
      summary: "s",
      change: "c",
      preconditions: { mustNotExist: true },
    };
    const mounting = { volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }] };
    const h = harness((elapsed, reader) => {
      reader.objects.persistentvolumeclaims = [
        { kind: "PersistentVolumeClaim", metadata: { name: "data" }, status: { phase: "Bound" } },
      ];
      reader.objects.pods = [pod("db-0", elapsed >= 6_000, 0, mounting), pod("other", false)];
    });
    h.reader.objects.persistentvolumeclaims = [
      { kind: "PersistentVolumeClaim", metadata: { name: "data" }, status: { phase: "Pending" } },
    ];
    h.reader.objects.pods = [pod("db-0", false, 0, mounting), pod("other", false)];
    const outcome = await validateRemediation({
      proposal,
      reader: h.reader,
      timeoutMs: 60_000,
      settleMs: 5_000,
      clock: h.clock,
      sleep: h.sleep,
    });
    expect(outcome.verdict).toBe("resolved");
    expect(outcome.evidence.slice(0, 2)).toEqual([
      "ok: PersistentVolumeClaim ns/data is Bound",
      "ok: all 1 pods of workloads mounting data are Running and Ready",
    ]);
  });

  it("lets the model lower the verdict but never raise it", async () => {
    const h = harness(() => {});
    h.reader.objects.deployments = [deployment(2, 2)];
    h.reader.objects.pods = [pod("web-a", true), pod("web-b", true)];
    const base = {
      proposal: setResources,
      reader: h.reader,
      timeoutMs: 30_000,
      settleMs: 1_000,
      clock: h.clock,
      sleep: h.sleep,
    };
    const doubtful = await validateRemediation({
      ...base,
      validateWithModel: async () => ({ verdict: "partially-resolved", evidence: ["latency still high"] }),
    });
    expect(doubtful.verdict).toBe("partially-resolved");
    expect(doubtful.evidence.at(-1)).toBe("model (partially-resolved): latency still high");

    h.reader.objects.pods = [pod("web-a", false), pod("web-b", false)];
    const hopeful = await validateRemediation({
      ...base,
      timeoutMs: 4_000,
      validateWithModel: async () => ({ verdict: "resolved", evidence: ["looks fine"] }),
    });
    expect(hopeful.verdict).toBe("partially-resolved");
    const broken = await validateRemediation({
      ...base,
      validateWithModel: async () => {
        throw new Error("model down");
      },
    });
    expect(broken.evidence.at(-1)).toBe("model validation unavailable: model down");
  });
});

describe("validateRemediation termination", () => {
  it("ends even when the injected sleep never moves the clock", async () => {
    const reader = new FakeReader();
    reader.objects.deployments = [deployment(0, 0)];
    const outcome = await validateRemediation({
      proposal: setResources,
      reader,
      timeoutMs: 60_000,
      clock: { now: () => start },
      sleep: async () => {},
    });
    expect(outcome.verdict).toBe("not-resolved");
    expect(outcome.evidence.at(-1)).toBe("criteria did not hold within 60 s (500 checks)");
  });
});
