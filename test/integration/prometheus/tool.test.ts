import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerFollowUp, investigateWithModel, rcaFromTriage } from "../../../src/agent/index.js";
import { defaultPolicy } from "../../../src/config/policy.js";
import { resultText, startFakeAnthropic, toolResultsOf } from "../../../src/dev/fake-anthropic.js";
import { type LocalPrometheus, startLocalPrometheus } from "../../../src/dev/local-prometheus.js";
import { PrometheusClient } from "../../../src/prometheus/index.js";
import { containerSeries, manySeries, openMetrics } from "../../support/prometheus.js";
import { type Incident, MINI_STATE, startIncident } from "../agent/harness.js";

// The model's prometheus_query tool through the real SDK loop (a scripted local Messages API), the
// real Prometheus engine answering, and the bounds holding whatever the model asks.
const NS = "prod-api";
const now = Math.floor(Date.now() / 1000);
let prom: LocalPrometheus;
let incident: Incident;

beforeAll(async () => {
  prom = await startLocalPrometheus({
    openMetrics: openMetrics([
      ...containerSeries(now, { namespace: NS, pod: "api-5d8f9c7b6d-abcde", container: "api" }),
      ...containerSeries(now, {
        namespace: "kube-system",
        pod: "coredns-6d4b75cb6d-xyz12",
        container: "coredns",
      }),
      ...manySeries(now, 10_000),
    ]),
  });
  incident = await startIncident(MINI_STATE);
}, 180_000);
afterAll(async () => {
  await incident?.close();
  await prom?.stop();
});

const final = {
  summary: "error ratio rose to 12% twenty minutes ago",
  severity: "P2",
  rootCauses: [
    {
      category: "crash-loop",
      name: "api errors",
      summary: "The api's error ratio rose.",
      resource: { kind: "Deployment", namespace: NS, name: "payment-service" },
      affected: [],
      evidence: [{ quote: "error ratio 0.12", source: "c_range" }],
      confidence: 0.6,
    },
  ],
  confidence: 0.6,
  hypothesesRejected: [],
  dangerousAssumption: "the error ratio series is the api's own",
  remediations: [],
  validationPlan: ["error ratio below 0.05 for 10 minutes"],
};

describe("prometheus_query tool", () => {
  it("keeps every call inside the bounds, summarises, marks data untrusted and returns failures as errors", async () => {
    const fake = await startFakeAnthropic({
      script: [
        {
          kind: "tool_use",
          calls: [
            {
              name: "prometheus_query",
              input: { query: "http_requests_errors_ratio", range: "30d", step: "1s" },
              id: "c_range",
            },
            { name: "prometheus_query", input: { query: "synthetic_series" }, id: "c_many" },
            {
              name: "prometheus_query",
              input: { query: "synthetic_series", range: "1h", step: "30s" },
              id: "c_huge",
            },
            { name: "prometheus_query", input: { query: "sum(rate(x[5m])" }, id: "c_bad" },
            { name: "prometheus_query", input: { query: "up", range: "soon" }, id: "c_input" },
          ],
        },
        { kind: "final", input: final },
      ],
    });
    const client = new PrometheusClient({ url: prom.url });
    try {
      const report = await investigateWithModel({
        reader: incident.reader,
        triage: incident.triage,
        trigger: { source: "alertmanager", namespace: NS, receivedAt: new Date().toISOString() },
        policy: { ...defaultPolicy(), namespaces: ["prod-*"] },
        prometheus: client,
        config: { apiKey: "k", baseURL: fake.url, model: "claude-sonnet-5-5" },
      });
      expect(report.fallbackReason).toBeUndefined();
      expect(report.source).toBe("model");
      expect(fake.requests[0]?.body.tools?.map((t) => t.name)).toContain("prometheus_query");
      const results = toolResultsOf(fake.requests[1] ?? fake.requests[0]!);
      const byId = new Map(results.map((r) => [r.tool_use_id, r]));

      const range = byId.get("c_range");
      expect(range?.is_error).toBeFalsy();
      const rangeText = resultText(range ?? { type: "x" });
      expect(rangeText.startsWith('<untrusted-data source="prometheus_query">')).toBe(true);
      expect(rangeText).toContain("note: range clamped from 30d to 6h (the bound)");
      expect(rangeText).toContain("note: step raised from 1s to 44s (at most 500 points per series)");
      expect(rangeText).toMatch(/step 44s; 2 series returned/);
      // Summarised per series, never raw JSON; kube-system is outside the policy and withheld.
      expect(rangeText).toMatch(
        /http_requests_errors_ratio\{namespace="prod-api", service="api"\}: min 0\.01, max 0\.12, avg [\d.]+, last 0\.12 \(\d+ points\)/,
      );
      expect(rangeText).toContain("note: 1 series of namespaces outside this bot's policy were withheld");
      expect(rangeText).not.toContain("kube-system");
      expect(rangeText).not.toContain('"resultType"');

      const many = resultText(byId.get("c_many") ?? { type: "x" });
      expect(many).toContain("10000 series returned");
      expect(many).toContain("note: truncated to 50 of 10000 series (the bound)");
      expect(many.match(/^synthetic_series\{/gm)).toHaveLength(50);

      const huge = byId.get("c_huge");
      expect(huge?.is_error).toBe(true);
      expect(resultText(huge ?? { type: "x" })).toMatch(
        /^Prometheus query failed \(PROMETHEUS_TOO_LARGE\): the answer exceeded 2097152 bytes/,
      );

      const bad = byId.get("c_bad");
      expect(bad?.is_error).toBe(true);
      expect(resultText(bad ?? { type: "x" })).toMatch(
        /^Prometheus query failed \(PROMETHEUS_BAD_QUERY\): PromQL rejected \(bad_data: /,
      );

      const input = byId.get("c_input");
      expect(input?.is_error).toBe(true);
      expect(resultText(input ?? { type: "x" })).toBe(
        "range: 'soon' is not a duration (use e.g. 90s, 15m, 1h)",
      );
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it("is not offered without a Prometheus", async () => {
    const fake = await startFakeAnthropic({
      script: [{ kind: "final", input: { ...final, rootCauses: [] } }],
    });
    try {
      await investigateWithModel({
        reader: incident.reader,
        triage: incident.triage,
        trigger: { source: "cli", namespace: NS, receivedAt: new Date().toISOString() },
        policy: defaultPolicy(),
        config: { apiKey: "k", baseURL: fake.url, model: "claude-sonnet-5-5" },
      });
      expect(fake.requests[0]?.body.tools?.map((t) => t.name)).not.toContain("prometheus_query");
    } finally {
      await fake.close();
    }
  });

  it("answers a follow-up question in the thread with the same tool", async () => {
    const fake = await startFakeAnthropic({
      script: [
        {
          kind: "tool_use",
          calls: [
            {
              name: "prometheus_query",
              input: { query: `max(http_requests_errors_ratio{namespace="${NS}"})`, range: "1h", step: "1m" },
              id: "c_ratio",
            },
          ],
        },
        {
          kind: "final",
          name: "submit_answer",
          input: {
            answer: "The error ratio rose to 12% twenty minutes ago.",
            evidence: [{ quote: "max 0.12", source: "c_ratio" }],
          },
        },
      ],
    });
    const client = new PrometheusClient({ url: prom.url });
    try {
      const answer = await answerFollowUp({
        reader: incident.reader,
        rca: rcaFromTriage(incident.triage, "test"),
        triage: incident.triage,
        trigger: { source: "alertmanager", namespace: NS, receivedAt: new Date().toISOString() },
        policy: defaultPolicy(),
        question: "when did the errors start?",
        prometheus: client,
        config: { apiKey: "k", baseURL: fake.url, model: "claude-sonnet-5-5" },
      });
      expect(answer.answer).toBe("The error ratio rose to 12% twenty minutes ago.");
      const result = toolResultsOf(
        fake.requests[1] ?? { body: { model: "", max_tokens: 0, messages: [] }, raw: "", headers: {} },
      )[0];
      expect(result?.is_error).toBeFalsy();
      expect(resultText(result ?? { type: "x" })).toMatch(
        /\{\}: min 0\.01, max 0\.12, avg [\d.]+, last 0\.12 \(61 points\)/,
      );
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
