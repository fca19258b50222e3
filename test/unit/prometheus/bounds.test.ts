import { describe, expect, it } from "vitest";
import {
  alertExpression,
  boundRange,
  effectiveLimits,
  HARD_LIMITS,
  parseDuration,
  pointsPerSeries,
  prometheusOptionsFromEnv,
  splitThreshold,
  summaryLines,
  truncateSeries,
} from "../../../src/prometheus/index.js";
import { parseApiBody } from "../../../src/prometheus/response.js";

const NOW = 1_800_000_000;

describe("query bounds", () => {
  it("clamps a 30-day range to 6h ending now and raises a 1s step", () => {
    const range = boundRange({ start: NOW - 30 * 86400, end: NOW, step: 1 }, effectiveLimits(), NOW);
    expect(range.end - range.start).toBe(6 * 3600);
    expect(range.end).toBe(NOW);
    expect(range.step).toBe(44);
    expect(pointsPerSeries(range)).toBeLessThanOrEqual(500);
    expect(range.notes).toEqual([
      "range clamped from 30d to 6h (the bound)",
      "step raised from 1s to 44s (at most 500 points per series)",
    ]);
  });

  it("never reaches into the future and keeps a fine step on a short range", () => {
    const range = boundRange({ start: NOW - 600, end: NOW + 86400, step: 15 }, effectiveLimits(), NOW);
    expect(range.end).toBe(NOW);
    expect(range.step).toBe(15);
    expect(range.notes).toEqual([]);
  });

  it("keeps any asked range and step within 500 points", () => {
    for (const [span, step] of [
      [1e9, 0.001],
      [3600, 1],
      [21600, 43],
      [7 * 86400, Number.NaN],
      [100, -5],
    ] as const) {
      const range = boundRange({ start: NOW - span, end: NOW, step }, effectiveLimits(), NOW);
      expect(range.end - range.start).toBeLessThanOrEqual(HARD_LIMITS.maxRangeSeconds);
      expect(pointsPerSeries(range)).toBeLessThanOrEqual(500);
    }
  });

  it("clamps configured limits to the hard ceiling", () => {
    expect(effectiveLimits({ maxSeries: 10_000, timeoutSeconds: 600 })).toMatchObject({
      maxSeries: 50,
      timeoutSeconds: 30,
    });
    expect(effectiveLimits({ maxSeries: 5 }).maxSeries).toBe(5);
  });

  it("truncates series and says how many were dropped", () => {
    const { kept, note } = truncateSeries(
      Array.from({ length: 10_000 }, (_, i) => i),
      50,
    );
    expect(kept).toHaveLength(50);
    expect(note).toBe("truncated to 50 of 10000 series (the bound)");
    expect(truncateSeries([1, 2], 50).note).toBeUndefined();
  });

  it("parses durations", () => {
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("30d")).toBe(2_592_000);
    expect(parseDuration("90")).toBe(90);
    expect(parseDuration("soon")).toBeUndefined();
  });
});

describe("alert expressions", () => {
  it("reads g0.expr from a generatorURL", () => {
    const expr =
      'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1';
    const url = `http://prometheus.monitoring:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;
    expect(alertExpression(url)).toBe(expr);
    expect(alertExpression("not a url")).toBeUndefined();
    expect(alertExpression("http://grafana/d/abc")).toBeUndefined();
    expect(alertExpression(undefined)).toBeUndefined();
  });

  it("splits a trailing comparison into the measured expression and its threshold", () => {
    expect(splitThreshold("rate(errors[5m]) / rate(requests[5m]) > 0.05")).toEqual({
      left: "rate(errors[5m]) / rate(requests[5m])",
      op: ">",
      value: 0.05,
    });
    expect(splitThreshold("up == 0")).toEqual({ left: "up", op: "==", value: 0 });
    expect(splitThreshold("absent(up)")).toEqual({ left: "absent(up)" });
    expect(splitThreshold("up > bool 0")).toEqual({ left: "up > bool 0" });
  });
});

describe("API bodies", () => {
  it("maps Prometheus errors to coded errors", () => {
    const bad = JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error" });
    expect(() => parseApiBody(bad, 400)).toThrow(expect.objectContaining({ code: "PROMETHEUS_BAD_QUERY" }));
    const exec = JSON.stringify({ status: "error", errorType: "execution", error: "many-to-many" });
    expect(() => parseApiBody(exec, 422)).toThrow(expect.objectContaining({ code: "PROMETHEUS_BAD_QUERY" }));
    const slow = JSON.stringify({ status: "error", errorType: "timeout", error: "query timed out" });
    expect(() => parseApiBody(slow, 503)).toThrow(expect.objectContaining({ code: "PROMETHEUS_TIMEOUT" }));
    expect(() => parseApiBody("<html>Service Unavailable</html>", 503)).toThrow(
      expect.objectContaining({ code: "PROMETHEUS_UNAVAILABLE" }),
    );
    expect(() => parseApiBody("", 401)).toThrow(expect.objectContaining({ code: "PROMETHEUS_UNAUTHORIZED" }));
  });

  it("parses vectors, matrices and scalars, dropping NaN", () => {
    const matrix = JSON.stringify({
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          {
            metric: { pod: "a" },
            values: [
              [1, "1"],
              [2, "NaN"],
              [3, "3"],
            ],
          },
        ],
      },
    });
    expect(parseApiBody(matrix, 200).series).toEqual([
      {
        labels: { pod: "a" },
        points: [
          [1, 1],
          [3, 3],
        ],
      },
    ]);
    const scalar = JSON.stringify({ status: "success", data: { resultType: "scalar", result: [5, "2"] } });
    expect(parseApiBody(scalar, 200).series).toEqual([{ labels: {}, points: [[5, 2]] }]);
  });

  it("summarises series as min/max/avg/last", () => {
    expect(
      summaryLines([
        {
          labels: { __name__: "x", pod: "a" },
          points: [
            [1, 1],
            [2, 4],
            [3, 2],
          ],
        },
      ]),
    ).toEqual(['x{pod="a"}: min 1, max 4, avg 2.333, last 2 (3 points)']);
  });
});

describe("settings", () => {
  it("is off without PROMETHEUS_URL and rejects credentials in the URL or two auth kinds", () => {
    expect(prometheusOptionsFromEnv({})).toBeUndefined();
    expect(() => prometheusOptionsFromEnv({ PROMETHEUS_URL: "http://u:p@prom:9090" })).toThrow(
      /must not carry/,
    );
    expect(() =>
      prometheusOptionsFromEnv({
        PROMETHEUS_URL: "http://prom:9090",
        PROMETHEUS_BEARER_TOKEN: "t",
        PROMETHEUS_USERNAME: "u",
      }),
    ).toThrow(/either/);
    expect(
      prometheusOptionsFromEnv({ PROMETHEUS_URL: "https://prom:9090", PROMETHEUS_TIMEOUT_SECONDS: 5 }),
    ).toEqual({ url: "https://prom:9090", limits: { timeoutSeconds: 5 } });
  });
});
