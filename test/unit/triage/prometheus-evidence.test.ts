import { describe, expect, it } from "vitest";
import type { PrometheusSnapshot } from "../../../src/domain/prometheus.js";
import { makeFinding } from "../../../src/triage/finding.js";
import { containerLine, prometheusEvidence } from "../../../src/triage/prometheus.js";

const MI = 2 ** 20;

function snapshot(extra: Partial<PrometheusSnapshot> = {}): PrometheusSnapshot {
  return {
    url: "http://prometheus:9090",
    containers: [],
    peakMemoryBytes: {},
    charts: [],
    errors: [],
    notes: [],
    queries: 0,
    durationMs: 0,
    ...extra,
  };
}

const oomPod = { namespace: "shop", pod: "api-1", container: "api" };

describe("Prometheus evidence in the triage (pure)", () => {
  it("says nothing when the numbers are unremarkable", () => {
    expect(
      containerLine({
        ...oomPod,
        restarts: 0,
        restartsLastHour: 0,
        throttledRatio: 0.1,
        peakWorkingSetBytes: 50 * MI,
        memoryLimitBytes: 128 * MI,
      }),
    ).toBeUndefined();
  });

  it("adds a container's numbers to the causes of its pod only", () => {
    const mine = makeFinding({
      category: "oom-killed",
      summary: "api is OOM-killed",
      resource: { kind: "Deployment", namespace: "shop", name: "api" },
      affected: [{ kind: "Pod", namespace: "shop", name: "api-1" }],
      evidence: ["Last State: Terminated, Reason: OOMKilled, Exit Code: 137"],
      confidence: 0.9,
    });
    const other = makeFinding({
      category: "crash-loop",
      summary: "web crashes",
      resource: { kind: "Deployment", namespace: "shop", name: "web" },
      affected: [{ kind: "Pod", namespace: "shop", name: "web-1" }],
      evidence: ["exit 1"],
      confidence: 0.8,
    });
    const { metrics, gaps } = prometheusEvidence(
      snapshot({
        containers: [
          {
            ...oomPod,
            restarts: 9,
            restartsLastHour: 4,
            lastTerminatedOOMKilled: true,
            peakWorkingSetBytes: 128 * MI,
            memoryLimitBytes: 128 * MI,
            throttledRatio: 0.5,
          },
          { namespace: "shop", pod: "web-1", container: "web", restarts: 0, restartsLastHour: 0 },
        ],
      }),
      [mine, other],
    );
    const line =
      "Prometheus: container api of pod shop/api-1 restarted 4 time(s) in the last hour (9 in total); last terminated OOMKilled; memory working set peaked at 128Mi (134217728 bytes) over the last hour, 100% of its 128Mi limit; CPU-throttled in 50% of CFS periods over the last 5 minutes";
    expect(metrics).toEqual([line]);
    expect(mine.evidence.at(-1)).toBe(line);
    expect(other.evidence).toEqual(["exit 1"]);
    expect(gaps).toEqual([]);
  });

  it("turns failed queries into gaps and lines, and states a quiet alert", () => {
    const { metrics, gaps } = prometheusEvidence(
      snapshot({
        alert: {
          alertname: "HighErrors",
          expression: "errors > 1",
          current: [],
          lastHour: [],
          seriesCount: 0,
        },
        errors: [
          { purpose: "restarts", query: "q", code: "PROMETHEUS_TIMEOUT", message: "no answer within 10s" },
          { purpose: "memory chart", query: "q", code: "PROMETHEUS_UNAUTHORIZED", message: "HTTP 401" },
        ],
      }),
      [],
    );
    expect(metrics[0]).toBe(
      "Alert HighErrors re-evaluated on Prometheus: `errors > 1` returns no series now (the condition no longer holds)",
    );
    expect(gaps).toEqual([
      {
        resource: "prometheus",
        reason: "timeout",
        message: "Prometheus query for restarts failed (PROMETHEUS_TIMEOUT): no answer within 10s",
      },
      {
        resource: "prometheus",
        reason: "error",
        message: "Prometheus query for memory chart failed (PROMETHEUS_UNAUTHORIZED): HTTP 401",
      },
    ]);
    expect(metrics.slice(1)).toEqual(gaps.map((g) => g.message));
  });

  it("is absent without a Prometheus section", () => {
    expect(prometheusEvidence(undefined, [])).toEqual({ metrics: [], gaps: [] });
  });
});
