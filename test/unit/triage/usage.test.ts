import { describe, expect, it } from "vitest";
import type { NodeMetrics, PodMetrics } from "../../../src/domain/metrics.js";
import type { Snapshot } from "../../../src/domain/types.js";
import { triage } from "../../../src/triage/index.js";
import { app, crashLoop, node, snapshot } from "../../fixtures/triage/builders.js";
import { onlyCause } from "./helpers.js";

function podMetrics(pod: string, container: string, usage: { cpu?: string; memory?: string }): PodMetrics {
  return {
    kind: "PodMetrics",
    apiVersion: "metrics.k8s.io/v1beta1",
    metadata: { name: pod, namespace: "default" },
    timestamp: "2026-11-21T09:00:00Z",
    window: "15s",
    containers: [{ name: container, usage }],
  };
}

/** An OOM-killed analytics Deployment (128Mi limit) plus whatever usage data the test adds. */
function oomSnapshot(extra: Partial<Snapshot> = {}, annotations?: Record<string, string>): Snapshot {
  const a = app("analytics", {
    state: crashLoop(137, "OOMKilled"),
    container: { resources: { limits: { memory: "128Mi" }, requests: { memory: "64Mi" } } },
  });
  if (annotations) {
    const template = (a.workload.spec as { template: { metadata: Record<string, unknown> } }).template;
    template.metadata.annotations = annotations;
  }
  return snapshot("default", a.part, extra);
}

function proposedLimit(snap: Snapshot): { limit?: string; summary?: string } {
  const proposal = triage(snap).remediations.find((p) => p.action === "set-resources");
  const params = proposal?.params as { limits?: { memory?: string } } | undefined;
  return {
    ...(params?.limits?.memory ? { limit: params.limits.memory } : {}),
    ...(proposal ? { summary: proposal.summary } : {}),
  };
}

describe("set-resources sized from observed usage", () => {
  it("a working set at the limit (all metrics-server can see of an OOM kill) doubles the limit and says why", () => {
    const snap = oomSnapshot({
      podMetrics: [podMetrics("analytics-1abc-p0", "analytics", { memory: "127000Ki", cpu: "20000000n" })],
      metricsServer: { available: true, message: "metrics.k8s.io/v1beta1 answered: 1 pod, 0 nodes" },
    });
    const { limit, summary } = proposedLimit(snap);
    expect(limit).toBe("256Mi");
    expect(summary).toContain("2x: the working set is at the limit (125Mi of 128Mi, metrics-server)");
    const { cause } = onlyCause(snap, "oom-killed");
    expect(
      cause.evidence.some((line) => line.includes("working set 125Mi (metrics-server, 15s window")),
    ).toBe(true);
  });

  it("a need above the limit (declared, or a Prometheus peak) is sized with 25% headroom in 64Mi steps", () => {
    const declared = proposedLimit(oomSnapshot({}, { "triage.sim/memory-usage": "300Mi" }));
    expect(declared.limit).toBe("384Mi");
    expect(declared.summary).toContain("declared usage 300Mi + 25% headroom");
    const peak = proposedLimit(
      oomSnapshot({
        prometheus: {
          url: "http://127.0.0.1:9090",
          containers: [],
          peakMemoryBytes: { "default/analytics-1abc-p0/analytics": 200 * 2 ** 20 },
          charts: [],
          errors: [],
          notes: [],
          queries: 6,
          durationMs: 12,
        },
      }),
    );
    expect(peak.limit).toBe("256Mi");
    expect(peak.summary).toContain("prometheus usage 200Mi + 25% headroom");
  });

  it("reads the Prometheus reader's peak working set (snapshot.prometheus) as that kind of evidence", () => {
    const sized = proposedLimit(
      oomSnapshot({
        prometheus: {
          url: "http://127.0.0.1:9090",
          containers: [],
          peakMemoryBytes: { "default/analytics-1abc-p0/analytics": 260 * 2 ** 20 },
          charts: [],
          errors: [],
          notes: [],
          queries: 6,
          durationMs: 12,
        },
      }),
    );
    expect(sized.limit).toBe("384Mi");
    expect(sized.summary).toContain("prometheus usage 260Mi + 25% headroom");
    // A peak of another pod's container is not this workload's evidence.
    const other = proposedLimit(
      oomSnapshot({
        prometheus: {
          url: "http://127.0.0.1:9090",
          containers: [],
          peakMemoryBytes: { "default/unrelated-p0/analytics": 900 * 2 ** 20 },
          charts: [],
          errors: [],
          notes: [],
          queries: 6,
          durationMs: 12,
        },
      }),
    );
    expect(other.limit).toBe("256Mi");
  });

  it("is bounded: at most 4x, and never above the namespace's LimitRange", () => {
    const huge = proposedLimit(oomSnapshot({}, { "triage.sim/memory-usage": "2Gi" }));
    expect(huge.limit).toBe("512Mi");
    const ranged = proposedLimit(
      oomSnapshot(
        {
          limitRanges: [
            {
              apiVersion: "v1",
              kind: "LimitRange",
              metadata: { name: "caps", namespace: "default" },
              spec: { limits: [{ type: "Container", max: { memory: "200Mi" } }] },
            },
          ],
        },
        { "triage.sim/memory-usage": "300Mi" },
      ),
    );
    expect(ranged.limit).toBe("200Mi");
    expect(ranged.summary).toContain("capped by LimitRange default/caps max 200Mi");
  });

  it("without any usage data says metrics-server was not available", () => {
    const { summary } = proposedLimit(
      oomSnapshot({ metricsServer: { available: false, message: "metrics-server not available: HTTP 404" } }),
    );
    expect(summary).toContain("2x: no usage data (metrics-server not available: HTTP 404)");
  });
});

describe("usage numbers on the causes they explain", () => {
  it("a node under memory pressure carries its usage against allocatable", () => {
    const n = node("node-2", { pressure: ["MemoryPressure"] });
    n.status = { ...n.status, allocatable: { cpu: "4", memory: "16Gi" } };
    const metrics: NodeMetrics = {
      kind: "NodeMetrics",
      apiVersion: "metrics.k8s.io/v1beta1",
      metadata: { name: "node-2" },
      timestamp: "2026-11-21T09:00:00Z",
      window: "15s",
      usage: { cpu: "1600000000n", memory: `${Math.round((16 * 0.94 * 2 ** 30) / 1024)}Ki` },
    };
    const web = app("web", { nodeName: "node-2" });
    const { cause } = onlyCause(
      snapshot(undefined, web.part, { nodes: [n], nodeMetrics: [metrics] }),
      "node-pressure",
    );
    expect(cause.evidence, JSON.stringify(cause.evidence)).toContain(
      "Node node-2 memory 94% of allocatable (15Gi of 16Gi), CPU 40% (1.6 cores of 4 cores) (metrics-server at 2026-11-21T09:00:00Z)",
    );
  });

  it("a failing container at its CPU limit is reported as throttled", () => {
    const web = app("web", {
      state: crashLoop(1),
      container: { resources: { limits: { cpu: "500m" } } },
    });
    const snap = snapshot("default", web.part, {
      podMetrics: [
        podMetrics(web.pods[0]?.metadata.name ?? "", "web", { cpu: "497000000n", memory: "50Mi" }),
      ],
    });
    const result = triage(snap);
    const evidence = result.rootCauses.flatMap((cause) => cause.evidence);
    expect(evidence).toContain(
      `${web.pods[0]?.metadata.name}/web CPU 497m of its 500m limit (99%, metrics-server): throttled`,
    );
  });
});
