import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/domain/kube.js";
import { ClusterError } from "../../../src/errors.js";
import { metricsPath, readMetrics } from "../../../src/k8s/metrics-api.js";
import type { ClusterReader } from "../../../src/k8s/reader.js";

/** A reader whose metrics API answers with `answer` (items, or a thrown error). */
function readerWith(answer: KubeObject[] | Error): ClusterReader {
  return {
    list: async () => [],
    get: async () => undefined,
    podLog: async () => "",
    readyz: async () => "",
    version: async () => "v1.32.0",
    watch: async () => undefined,
    requestCount: 0,
    metrics: async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe("reading metrics.k8s.io", () => {
  it("builds metrics-server's paths", () => {
    expect(metricsPath("pods", "prod-api")).toBe("/apis/metrics.k8s.io/v1beta1/namespaces/prod-api/pods");
    expect(metricsPath("pods")).toBe("/apis/metrics.k8s.io/v1beta1/pods");
    expect(metricsPath("nodes", "ignored")).toBe("/apis/metrics.k8s.io/v1beta1/nodes");
  });

  it("404 (not installed) and 503 (APIService unavailable) mean no usage data, not a failure", async () => {
    for (const [status, code] of [
      [404, "NOT_FOUND"],
      [503, "API_ERROR"],
    ] as const) {
      const read = await readMetrics(
        readerWith(
          new ClusterError(code, `list pods.metrics.k8s.io: HTTP ${status}: service unavailable`, { status }),
        ),
        "prod-api",
      );
      expect(read.podMetrics).toBeUndefined();
      expect(read.error).toBeUndefined();
      expect(read.status).toEqual({
        available: false,
        message: `metrics-server not available: list pods.metrics.k8s.io: HTTP ${status}: service unavailable`,
      });
    }
  });

  it("a forbidden read is reported for a gap; an unreachable cluster stays an error", async () => {
    const forbidden = await readMetrics(
      readerWith(new ClusterError("FORBIDDEN", "HTTP 403: forbidden", { status: 403 })),
      undefined,
    );
    expect(forbidden.status.available).toBe(false);
    expect(forbidden.error).toBeInstanceOf(ClusterError);
    await expect(
      readMetrics(readerWith(new ClusterError("CLUSTER_UNREACHABLE", "cannot reach the cluster")), undefined),
    ).rejects.toThrow("cannot reach the cluster");
  });

  it("a reader without a metrics API says metrics-server was not read", async () => {
    const { metrics: _none, ...plain } = readerWith([]);
    const read = await readMetrics(plain as ClusterReader, undefined);
    expect(read.status).toEqual({
      available: false,
      message: "metrics-server not read (this reader has no metrics API)",
    });
  });
});
