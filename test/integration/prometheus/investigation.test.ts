import { createServer, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { rcaFromTriage } from "../../../src/agent/fallback.js";
import { defaultPolicy } from "../../../src/config/policy.js";
import { type AlertmanagerPayload, groupAlerts } from "../../../src/detect/alertmanager.js";
import type { AlertPoster } from "../../../src/detect/alertmanager-route.js";
import { handleAlertGroup } from "../../../src/detect/alertmanager-route.js";
import { type LocalPrometheus, startLocalPrometheus } from "../../../src/dev/local-prometheus.js";
import { freePort } from "../../../src/dev/local-redis.js";
import type { Investigation } from "../../../src/domain/investigation.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { createClusterReader, type KubeClusterReader } from "../../../src/k8s/kube-reader.js";
import { collectPrometheus, PrometheusClient, withPrometheus } from "../../../src/prometheus/index.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { triage } from "../../../src/triage/index.js";
import { containerSeries, KNOWN, openMetrics } from "../../support/prometheus.js";
import { type Harness, jobFinished, settled, startHarness } from "../../support/queue-harness.js";

// The prod-api outage scenario on the simulated API server, and one real Prometheus holding the
// last hour of analytics-service's container series (known numbers, see test/support/prometheus.ts).
let sim: SimCluster;
let reader: KubeClusterReader;
let prom: LocalPrometheus;
let hanging: Server;
let hangingPort: number;
let analyticsPod: string;
const now = Math.floor(Date.now() / 1000);
const NAMESPACE = "prod-api";
const EXPR = `http_requests_errors_ratio{namespace="${NAMESPACE}"} > 0.05`;

beforeAll(async () => {
  sim = await startSimCluster({ scenario: "prod-api-outage" });
  reader = createClusterReader(sim.kubeConfig("reader"));
  const snapshot = await collectSnapshot(reader, { namespace: NAMESPACE });
  analyticsPod =
    snapshot.pods.find((pod) => pod.metadata.name?.startsWith("analytics-service-"))?.metadata.name ?? "";
  expect(analyticsPod).not.toBe("");
  prom = await startLocalPrometheus({
    openMetrics: openMetrics(
      containerSeries(now, { namespace: NAMESPACE, pod: analyticsPod, container: "analytics-service" }),
    ),
  });
  // Accepts connections and never answers: a Prometheus stuck on a heavy query.
  hanging = createServer(() => {});
  await new Promise<void>((r) => hanging.listen(0, "127.0.0.1", r));
  const address = hanging.address();
  hangingPort = typeof address === "object" && address ? address.port : 0;
}, 180_000);
afterAll(async () => {
  reader?.close();
  hanging?.closeAllConnections();
  await new Promise((r) => hanging?.close(r));
  await prom?.stop();
  await sim?.close();
});

let h: Harness | undefined;
let client: PrometheusClient | undefined;
afterEach(async () => {
  await h?.close();
  await client?.close().catch(() => {});
  h = undefined;
});

const poster: AlertPoster = {
  post: async () => ({ ts: `${Date.now()}.000100` }),
  update: async () => {},
};

function payload(expression: string, alertname: string): AlertmanagerPayload {
  return {
    version: "4",
    groupKey: `{}:{alertname="${alertname}"}:${Math.random()}`,
    status: "firing",
    receiver: "triage-bot",
    groupLabels: { alertname },
    commonLabels: { alertname, namespace: NAMESPACE },
    commonAnnotations: {},
    alerts: [
      {
        status: "firing",
        labels: { alertname, namespace: NAMESPACE, deployment: "analytics-service", severity: "critical" },
        annotations: { summary: "analytics-service error ratio above 5%" },
        startsAt: new Date((now - 600) * 1000).toISOString(),
        generatorURL: `${prom.url}/graph?g0.expr=${encodeURIComponent(expression)}&g0.tab=1`,
      },
    ],
  };
}

/** Sends an Alertmanager alert through the real alert-group path into a pipeline reading `client`. */
async function investigateAlert(using: PrometheusClient, expression: string, alertname: string) {
  client = using;
  h = await startHarness(inject("redisUrl"), {
    collect: withPrometheus(
      (t, signal) => collectSnapshot(reader, { namespace: t.namespace }, { signal }),
      using,
    ),
    triage: (snapshot, { namespace }) => triage(snapshot, { namespace }),
    analyze: async ({ triage: result }) => rcaFromTriage(result, "no model in this test"),
  });
  const harness = h;
  const [group] = groupAlerts(payload(expression, alertname)).groups;
  if (!group) throw new Error("no alert group");
  const outcome = await handleAlertGroup(
    {
      policy: { ...defaultPolicy(), namespaces: ["prod-*"], incidentChannels: ["C0INCIDENT"] },
      redis: harness.redis,
      prefix: harness.prefix,
      poster,
      submit: (trigger) => harness.producer.submitTrigger(trigger),
    },
    group,
    new Date(),
  );
  const id = outcome.investigationId ?? "";
  expect(id).not.toBe("");
  const done: Investigation = await settled(harness, id, ["failed", "completed", "proposed"]);
  await jobFinished(harness, id);
  return done;
}

describe("Prometheus in an alert's investigation (real Prometheus, simulated cluster)", () => {
  it("re-evaluates the alert's expression: value now and the last hour, in the evidence and as a chart", async () => {
    const done = await investigateAlert(new PrometheusClient({ url: prom.url }), EXPR, "AnalyticsErrorRatio");
    expect(done.status).toBe("proposed");
    expect(done.trigger.signal?.expression).toBe(EXPR);
    const metrics = done.triage?.metrics ?? [];
    expect(metrics[0]).toBe(
      `Alert AnalyticsErrorRatio re-evaluated on Prometheus: \`${EXPR}\` returns 1 series now: http_requests_errors_ratio{namespace="prod-api", service="analytics-service"} = 0.12`,
    );
    // The 30 s grid ends at the query's own "now" (later than the fixture's on a slow machine), so
    // the average drifts with the share of 0.12 points; min, max, last and the count are fixed.
    expect(metrics[1]).toMatch(
      /^Last hour: http_requests_errors_ratio\{namespace="prod-api", service="analytics-service"\}: min 0\.01, max 0\.12, avg 0\.0\d+, last 0\.12 \(121 points\)$/,
    );
    const alertChart = done.charts?.find((chart) => chart.query?.startsWith("http_requests_errors_ratio"));
    expect(alertChart?.threshold).toEqual({ label: "alert threshold > 0.05", value: 0.05 });
    expect(alertChart?.query).toBe(`http_requests_errors_ratio{namespace="${NAMESPACE}"}`);
    expect(alertChart?.series[0]?.points).toHaveLength(121);
    expect(alertChart?.window.endMs).toBeGreaterThanOrEqual(now * 1000);
    expect(alertChart?.altText).toMatch(/last hour for alert AnalyticsErrorRatio.*threshold > 0.05/);
  });

  it("adds the container numbers to the OOM cause and charts memory against the limit", async () => {
    const done = await investigateAlert(new PrometheusClient({ url: prom.url }), EXPR, "AnalyticsErrorRatio");
    const oom = done.triage?.rootCauses.find(
      (cause) => cause.category === "oom-killed" && cause.resource.name === "analytics-service",
    );
    const line = `Prometheus: container analytics-service of pod ${NAMESPACE}/${analyticsPod} restarted 5 time(s) in the last hour (7 in total); last terminated OOMKilled; memory working set peaked at 124Mi (130000000 bytes) over the last hour, 97% of its 128Mi limit; CPU-throttled in 30% of CFS periods over the last 5 minutes`;
    expect(oom?.evidence).toContain(line);
    expect(done.rca?.rootCauses.flatMap((cause) => cause.evidence.map((e) => e.quote))).toContain(line);
    const memory = done.charts?.find((chart) => chart.unit === "bytes");
    expect(memory?.threshold).toEqual({ label: "memory limit", value: KNOWN.memoryLimit });
    expect(Math.max(...(memory?.series[0]?.points.map(([, v]) => v) ?? []))).toBe(KNOWN.peakWorkingSet);
    expect(memory?.altText).toContain(`pod ${analyticsPod}`);
  });

  it("reports a PromQL syntax error in the evidence and still completes", async () => {
    const broken = "sum(rate(http_requests_errors_ratio[5m]) > 0.05";
    const done = await investigateAlert(new PrometheusClient({ url: prom.url }), broken, "BrokenRule");
    expect(done.status).toBe("proposed");
    const gap = done.triage?.gaps.find((g) => g.resource === "prometheus");
    expect(gap?.message).toMatch(
      /^Prometheus query for alert expression failed \(PROMETHEUS_BAD_QUERY\): PromQL rejected \(bad_data: /,
    );
    expect(done.triage?.metrics).toContain(gap?.message);
    // The container checks were answered all the same.
    expect(done.triage?.metrics?.some((m) => m.includes("last terminated OOMKilled"))).toBe(true);
    expect(done.charts?.some((chart) => chart.unit === "bytes")).toBe(true);
  });

  it("reports a Prometheus that does not answer (timeout) and still completes in bounded time", async () => {
    const started = Date.now();
    const done = await investigateAlert(
      new PrometheusClient({ url: `http://127.0.0.1:${hangingPort}`, limits: { timeoutSeconds: 1 } }),
      EXPR,
      "AnalyticsErrorRatio",
    );
    expect(done.status).toBe("proposed");
    const gaps = done.triage?.gaps.filter((g) => g.resource === "prometheus") ?? [];
    expect(gaps.length).toBeGreaterThanOrEqual(8);
    expect(gaps.every((g) => g.reason === "timeout" && g.message.includes("PROMETHEUS_TIMEOUT"))).toBe(true);
    expect(done.charts ?? []).toEqual([]);
    expect(Date.now() - started).toBeLessThan(30_000);
    // The Kubernetes evidence is all there.
    expect(done.triage?.rootCauses.some((cause) => cause.category === "oom-killed")).toBe(true);
  });

  it("reports connection refused and still completes", async () => {
    const port = await freePort();
    const done = await investigateAlert(
      new PrometheusClient({ url: `http://127.0.0.1:${port}` }),
      EXPR,
      "AnalyticsErrorRatio",
    );
    expect(done.status).toBe("proposed");
    expect(done.triage?.gaps.find((g) => g.resource === "prometheus")?.message).toMatch(
      /\(PROMETHEUS_UNREACHABLE\): cannot reach Prometheus: ECONNREFUSED/,
    );
  });
});

describe("deterministic container checks from known samples", () => {
  it("reads restarts, OOM kill, throttling, working set vs limit and the peak for sizing", async () => {
    const direct = new PrometheusClient({ url: prom.url });
    const snapshot = await collectSnapshot(reader, { namespace: NAMESPACE });
    const result = await collectPrometheus(direct, { namespace: NAMESPACE, pods: snapshot.pods });
    await direct.close();
    expect(result.errors).toEqual([]);
    const key = `${NAMESPACE}/${analyticsPod}/analytics-service`;
    expect(result.peakMemoryBytes).toEqual({ [key]: KNOWN.peakWorkingSet });
    expect(result.containers).toHaveLength(1);
    const c = result.containers[0];
    expect(c).toMatchObject({
      namespace: NAMESPACE,
      pod: analyticsPod,
      container: "analytics-service",
      restarts: KNOWN.restarts,
      restartsLastHour: KNOWN.restartsLastHour,
      lastTerminatedOOMKilled: true,
      workingSetBytes: KNOWN.workingSetNow,
      peakWorkingSetBytes: KNOWN.peakWorkingSet,
      memoryLimitBytes: KNOWN.memoryLimit,
    });
    expect(c?.throttledRatio).toBeCloseTo(KNOWN.throttledRatio, 6);
    expect(result.queries).toBe(8);
  });

  it("scrubs credentials out of label values before they reach the evidence or a chart", async () => {
    const direct = new PrometheusClient({ url: prom.url });
    const expression = 'label_replace(vector(3), "dsn", "postgres://app:hunter2@db:5432/shop", "", "") > 1';
    const result = await collectPrometheus(direct, {
      namespace: NAMESPACE,
      pods: [],
      alert: { alertname: "Leaky", expression },
    });
    await direct.close();
    expect(result.alert?.current).toHaveLength(1);
    expect(result.alert?.current[0]?.value).toBe(3);
    expect(JSON.stringify(result)).not.toContain("hunter2");
    // The series is still there and named; only the secret part is gone.
    expect(result.alert?.current[0]?.labels).toMatch(/^\{dsn=".*REDACTED.*"\}$/);
    expect(result.charts[0]?.series[0]?.labels.dsn).toMatch(/db:5432\/shop$/);
  });
});
