import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalPrometheus, startLocalPrometheus } from "../../../src/dev/local-prometheus.js";
import { freePort } from "../../../src/dev/local-redis.js";
import { PrometheusClient, PrometheusError } from "../../../src/prometheus/index.js";
import { containerSeries, KNOWN, manySeries, openMetrics } from "../../support/prometheus.js";

// One real Prometheus for the file, holding known samples for the last hour.
let prom: LocalPrometheus;
let client: PrometheusClient;
const now = Math.floor(Date.now() / 1000);
const target = { namespace: "demo", pod: "api-7d9f8b6c5d-x2x4z", container: "api" };

beforeAll(async () => {
  prom = await startLocalPrometheus({
    openMetrics: openMetrics([...containerSeries(now, target), ...manySeries(now, 10_000)]),
  });
  client = new PrometheusClient({ url: prom.url });
}, 180_000);
afterAll(async () => {
  await client?.close();
  await prom?.stop();
});

async function failure(promise: Promise<unknown>): Promise<PrometheusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrometheusError);
  return error as PrometheusError;
}

describe("PrometheusClient against a real Prometheus", () => {
  it("answers instant and range queries with the engine's values", async () => {
    const instant = await client.instant('http_requests_errors_ratio{namespace="demo"}');
    expect(instant.resultType).toBe("vector");
    expect(instant.series[0]?.points[0]?.[1]).toBeCloseTo(KNOWN.errorRatioNow);
    const range = await client.range('http_requests_errors_ratio{namespace="demo"}', {
      start: now - 3600,
      end: now,
      step: 60,
    });
    expect(range.resultType).toBe("matrix");
    const values = range.series[0]?.points.map(([, v]) => v) ?? [];
    expect(values.length).toBe(61);
    expect(Math.min(...values)).toBeCloseTo(0.01);
    expect(Math.max(...values)).toBeCloseTo(KNOWN.errorRatioNow);
  });

  it("clamps a 30-day range to 6h and raises a 1s step to keep ≤ 500 points per series", async () => {
    const result = await client.range('synthetic_series{i="00001"}', {
      start: now - 30 * 86400,
      end: now,
      step: 1,
    });
    expect(result.range?.end).toBe(now);
    expect((result.range?.end ?? 0) - (result.range?.start ?? 0)).toBe(6 * 3600);
    expect(result.range?.step).toBe(44);
    expect(result.notes.join("\n")).toMatch(/range clamped from 30d to 6h/);
    expect(result.notes.join("\n")).toMatch(/step raised from 1s to 44s/);
    // The real server's answer has at most 500 points per series.
    const points = result.series[0]?.points.length ?? 0;
    expect(points).toBeGreaterThan(0);
    expect(points).toBeLessThanOrEqual(500);
  });

  it("keeps 50 of 10,000 series and says so", async () => {
    const result = await client.instant("synthetic_series");
    expect(result.totalSeries).toBe(10_000);
    expect(result.series).toHaveLength(50);
    expect(result.notes).toContain("truncated to 50 of 10000 series (the bound)");
  });

  it("aborts an answer past the byte bound", async () => {
    // 10,000 series × 90 points is ~40 MB of JSON: the client stops reading at 2 MiB.
    const error = await failure(client.range("synthetic_series", { start: now - 3600, end: now, step: 40 }));
    expect(error.code).toBe("PROMETHEUS_TOO_LARGE");
    expect(error.message).toMatch(/exceeded 2097152 bytes/);
    // The connection pool is still usable afterwards.
    const after = await client.instant("vector(1)");
    expect(after.series[0]?.points[0]?.[1]).toBe(1);
  });

  it("reports a PromQL syntax error with Prometheus's message", async () => {
    const error = await failure(client.instant("sum(rate(http_requests_total[5m]"));
    expect(error.code).toBe("PROMETHEUS_BAD_QUERY");
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/bad_data/);
  });

  it("reports connection refused as unreachable", async () => {
    const port = await freePort();
    const dead = new PrometheusClient({ url: `http://127.0.0.1:${port}` });
    const error = await failure(dead.instant("up"));
    expect(error.code).toBe("PROMETHEUS_UNREACHABLE");
    expect(error.message).toMatch(/ECONNREFUSED/);
    await dead.close();
  });

  it("times out a server that never answers, and sends the timeout and credentials", async () => {
    const seen: { auth?: string; body: string }[] = [];
    const slow: Server = createServer((req, _res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () =>
        seen.push({ ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body }),
      );
      // never responds
    });
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const address = slow.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const hanging = new PrometheusClient({
      url: `http://127.0.0.1:${port}`,
      bearerToken: "t0ken",
      limits: { timeoutSeconds: 1 },
    });
    const started = Date.now();
    const error = await failure(hanging.instant("up"));
    expect(error.code).toBe("PROMETHEUS_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(seen[0]?.auth).toBe("Bearer t0ken");
    expect(new URLSearchParams(seen[0]?.body).get("timeout")).toBe("1");
    await hanging.close().catch(() => {});
    slow.closeAllConnections();
    await new Promise((r) => slow.close(r));
  });

  it("passes the timeout to the engine, which gives up on a query too heavy for it", async () => {
    const strict = new PrometheusClient({ url: prom.url, limits: { timeoutSeconds: 0.1 } });
    // A 1 s-resolution subquery over 6 h of 1,000 series (21.6M samples): far more than 100 ms of work.
    const error = await failure(strict.instant('count(max_over_time(synthetic_series{i=~"00.*"}[6h:1s]))'));
    expect(error.code).toBe("PROMETHEUS_TIMEOUT");
    // Normally the engine's own timeout error; on a starved CPU the client's abort 0.5 s later.
    expect(error.message).toMatch(
      /^(Prometheus gave up on the query \(timeout: |Prometheus did not answer within 0.1s)/,
    );
    await strict.close();
  });

  it("cannot be configured above the hard bounds", async () => {
    const greedy = new PrometheusClient({
      url: prom.url,
      limits: { maxSeries: 100_000, maxRangeSeconds: 1e9, maxResponseBytes: 1e12, timeoutSeconds: 3600 },
    });
    expect(greedy.limits).toEqual({
      maxRangeSeconds: 21600,
      maxPointsPerSeries: 500,
      maxSeries: 50,
      maxResponseBytes: 2 * 1024 * 1024,
      timeoutSeconds: 30,
    });
    const result = await greedy.instant("synthetic_series");
    expect(result.series).toHaveLength(50);
    await greedy.close();
  });
});
