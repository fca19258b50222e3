import { afterEach, describe, expect, it } from "vitest";
import { investigateWithModel } from "../../../src/agent/index.js";
import { defaultPolicy, parsePolicy } from "../../../src/config/policy.js";
import {
  type FakeAnthropic,
  resultText,
  type ScriptStep,
  startFakeAnthropic,
  toolResultsOf,
} from "../../../src/dev/fake-anthropic.js";
import { logs, NS, objects, SECRET_VALUES, triage, trigger } from "./helpers/fixtures.js";
import { MemoryReader } from "./helpers/memory-reader.js";

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function rca(source: string, extra: Record<string, unknown> = {}) {
  return {
    summary: "api cannot reach its database",
    severity: "P1",
    rootCauses: [
      {
        category: "dependency-unavailable",
        name: "database unreachable",
        summary: "api exits because the db refuses connections",
        resource: { kind: "Deployment", namespace: NS, name: "api" },
        affected: [{ kind: "Pod", namespace: NS, name: "api-7d9f-1" }],
        evidence: [{ quote: "FATAL: could not connect to db: connection refused", source }],
        confidence: 0.8,
      },
    ],
    confidence: 0.8,
    hypothesesRejected: [{ hypothesis: "bad image", reason: "image unchanged" }],
    dangerousAssumption: "the database itself is healthy",
    remediations: [],
    validationPlan: ["Deployment prod-api/api has 3/3 ready replicas"],
    ...extra,
  };
}

async function run(script: ScriptStep[], config: Record<string, unknown> = {}) {
  fake = await startFakeAnthropic({ script });
  const reader = new MemoryReader(objects(), logs());
  const report = await investigateWithModel({
    reader,
    triage: triage(),
    trigger: trigger(),
    policy: defaultPolicy(),
    config: { apiKey: "test-key", baseURL: fake.url, model: "claude-sonnet-5-5", maxRetries: 2, ...config },
  });
  return { report, reader, requests: fake.requests };
}

describe("investigation loop over the fake Messages API", () => {
  it("runs tools, sends wrapped results back and returns the model's RCA", async () => {
    const { report, requests } = await run([
      {
        kind: "tool_use",
        calls: [{ name: "list_resources", input: { kind: "Pod", labelSelector: "app=api" }, id: "toolu_1" }],
      },
      {
        kind: "tool_use",
        calls: [{ name: "pod_logs", input: { pod: "api-7d9f-1", grep: "fatal" }, id: "toolu_2" }],
      },
      { kind: "final", input: rca("toolu_2") },
    ]);
    expect(report.source).toBe("model");
    expect(report.fallbackReason).toBeUndefined();
    expect(report.rootCauses[0]?.evidence[0]?.source).toBe("toolu_2");
    expect(report.usage?.toolCalls).toBe(2);
    expect(report.usage?.iterations).toBe(3);
    expect(report.usage?.cacheReadTokens).toBeGreaterThan(0);
    expect(report.proposals.map((p) => p.id)).toEqual([`rollout-restart:${NS}/api`]);

    const first = requests[0]!;
    expect(first.body.messages[0]?.content).toEqual(expect.anything());
    expect(first.raw).toContain("crash-loop:Deployment/prod-api/api");
    expect(JSON.stringify(first.body.messages)).toContain('<untrusted-data source=\\"trigger\\">');
    expect(JSON.stringify(first.body.system)).toContain("cache_control");
    expect(first.body.tools?.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    expect(first.body.tools?.at(-1)?.name).toBe("submit_rca");
    expect(first.body.tool_choice).toEqual({ type: "auto" });

    const [pods] = toolResultsOf(requests[1]!);
    expect(pods?.tool_use_id).toBe("toolu_1");
    expect(resultText(pods!)).toMatch(/^<untrusted-data source="list_resources">/);
    expect(resultText(pods!)).toContain("CrashLoopBackOff");
    const [log] = toolResultsOf(requests[2]!);
    expect(resultText(log!)).toContain("FATAL: could not connect");
    expect(resultText(log!)).not.toContain("starting api");
  });

  it("never sends a secret value: env values, last-applied and secrets in logs are redacted", async () => {
    const { requests } = await run([
      {
        kind: "tool_use",
        calls: [
          { name: "get_resource", input: { kind: "Deployment", name: "api" } },
          { name: "describe", input: { kind: "Deployment", name: "api" } },
          { name: "pod_logs", input: { pod: "api-7d9f-1" } },
        ],
      },
      { kind: "final", input: rca("triage") },
    ]);
    const all = requests.map((r) => r.raw).join("\n");
    for (const secret of SECRET_VALUES) expect(all).not.toContain(secret);
    expect(all).not.toContain("s3cr3tpw");
    const results = requests
      .flatMap((r) => toolResultsOf(r))
      .map(resultText)
      .join("\n");
    expect(results).not.toContain("managedFields");
    expect(results).not.toContain("last-applied");
    expect(all).toContain("DB_PASSWORD");
  });

  it("hides env values without a known token shape once seen, and keeps secret references", async () => {
    const withOpaque = objects().map((object) =>
      object.kind === "Pod" && object.metadata.name === "api-7d9f-1"
        ? {
            ...object,
            spec: {
              containers: [{ name: "api", env: [{ name: "WEBHOOK_SIGNING", value: "opaque-Value-77x" }] }],
              volumes: [{ name: "creds", secret: { secretName: "db-credentials" } }],
            },
          }
        : object,
    );
    fake = await startFakeAnthropic({
      script: [
        {
          kind: "tool_use",
          calls: [
            { name: "pod_logs", input: { pod: "api-7d9f-1" }, id: "log" },
            { name: "get_resource", input: { kind: "Pod", name: "api-7d9f-1" }, id: "pod" },
          ],
        },
        { kind: "final", input: rca("log") },
      ],
    });
    await investigateWithModel({
      reader: new MemoryReader(withOpaque, {
        [`${NS}/api-7d9f-1`]: "signing payloads with opaque-Value-77x\n",
      }),
      triage: triage(),
      trigger: trigger(),
      policy: defaultPolicy(),
      config: { apiKey: "k", baseURL: fake.url, model: "claude-sonnet-5-5" },
    });
    const all = fake.requests.map((r) => r.raw).join("\n");
    expect(all).not.toContain("opaque-Value-77x");
    const results = Object.fromEntries(
      toolResultsOf(fake.requests[1]!).map((r) => [r.tool_use_id, resultText(r)]),
    );
    expect(results.log).toContain("signing payloads with [REDACTED]");
    expect(results.pod).toContain("secretName: db-credentials");
  });

  it("returns unknown tools, bad input and repeated calls as is_error results", async () => {
    const { report, requests } = await run([
      {
        kind: "tool_use",
        calls: [
          { name: "kubectl_exec", input: { command: "rm -rf /" }, id: "t_unknown" },
          { name: "list_resources", input: { kind: 42 }, id: "t_bad" },
          { name: "get_resource", input: { kind: "Secret", name: "db" }, id: "t_secret" },
          { name: "list_resources", input: { kind: "Pod" }, id: "t_ok" },
        ],
      },
      { kind: "tool_use", calls: [{ name: "list_resources", input: { kind: "Pod" }, id: "t_repeat" }] },
      { kind: "final", input: rca("triage") },
    ]);
    expect(report.source).toBe("model");
    const results = toolResultsOf(requests[1]!);
    const byId = Object.fromEntries(results.map((r) => [r.tool_use_id, r]));
    expect(byId.t_unknown?.is_error).toBe(true);
    expect(resultText(byId.t_unknown!)).toContain("Unknown tool");
    expect(byId.t_bad?.is_error).toBe(true);
    expect(resultText(byId.t_bad!)).toContain("kind");
    expect(byId.t_secret?.is_error).toBe(true);
    expect(byId.t_ok?.is_error).toBeUndefined();
    const [repeat] = toolResultsOf(requests[2]!);
    expect(repeat?.is_error).toBe(true);
    expect(resultText(repeat!)).toContain("t_ok");
  });

  it("rejects an RCA citing a tool_use id that does not exist, then accepts the fix", async () => {
    const { report, requests } = await run([
      { kind: "tool_use", calls: [{ name: "readyz", input: {}, id: "toolu_r" }] },
      { kind: "final", input: rca("toolu_invented"), id: "toolu_f1" },
      { kind: "final", input: rca("toolu_r") },
    ]);
    expect(report.source).toBe("model");
    const [rejection] = toolResultsOf(requests[2]!);
    expect(rejection?.is_error).toBe(true);
    expect(resultText(rejection!)).toContain("toolu_invented");
    expect(requests[2]!.body.tool_choice).toEqual({ type: "tool", name: "submit_rca" });
  });

  it("falls back after two invalid RCAs", async () => {
    const { report } = await run([
      { kind: "final", input: { summary: "x" } },
      { kind: "final", input: rca("nope") },
    ]);
    expect(report.source).toBe("deterministic");
    expect(report.fallbackReason).toMatch(/invalid twice/);
    expect(report.rootCauses[0]?.category).toBe("crash-loop");
  });

  it("forces submit_rca on the last allowed turn and stops at the bound", async () => {
    const steps: ScriptStep[] = [0, 1, 2].map((i) => ({
      kind: "tool_use" as const,
      calls: [{ name: "get_events", input: { limit: i + 1 } }],
    }));
    const { report, requests } = await run(
      [...steps, { kind: "tool_use", calls: [{ name: "readyz", input: {} }] }],
      {
        maxIterations: 3,
      },
    );
    expect(requests).toHaveLength(3);
    expect(requests[0]!.body.tool_choice).toEqual({ type: "auto" });
    expect(requests[2]!.body.tool_choice).toEqual({ type: "tool", name: "submit_rca" });
    expect(report.source).toBe("deterministic");
    expect(report.fallbackReason).toMatch(/within 3 model turns/);
  });

  it("retries 429 and 529 honouring retry-after, then succeeds", async () => {
    const { report, requests } = await run([
      { kind: "error", status: 429, retryAfterMs: 20 },
      { kind: "error", status: 529, retryAfterMs: 20 },
      { kind: "final", input: rca("triage") },
    ]);
    expect(report.source).toBe("model");
    expect(requests).toHaveLength(3);
  });

  it("falls back with the reason when the API keeps failing or is gone", async () => {
    const failing = await run(
      [0, 1, 2].map(() => ({ kind: "error" as const, status: 500, retryAfterMs: 10 })),
      { maxRetries: 2 },
    );
    expect(failing.report.source).toBe("deterministic");
    expect(failing.report.fallbackReason).toMatch(/HTTP 500/);
    expect(failing.requests).toHaveLength(3);

    const closed = await startFakeAnthropic({ script: [] });
    await closed.close();
    const report = await investigateWithModel({
      reader: new MemoryReader(objects(), logs()),
      triage: triage(),
      trigger: trigger(),
      policy: defaultPolicy(),
      config: { apiKey: "k", baseURL: closed.url, model: "claude-sonnet-5-5", maxRetries: 0 },
    });
    expect(report.source).toBe("deterministic");
    expect(report.fallbackReason).toMatch(/unreachable/);
  });

  it("falls back when the model refuses, and without a key never calls the API", async () => {
    const { report } = await run([{ kind: "text", text: "I can't help", stopReason: "refusal" }]);
    expect(report.fallbackReason).toMatch(/refusal/);
    const offline = await investigateWithModel({
      reader: new MemoryReader(objects()),
      triage: triage(),
      trigger: trigger(),
      policy: defaultPolicy(),
      config: { apiKey: undefined },
    });
    expect(offline.source).toBe("deterministic");
    expect(offline.fallbackReason).toMatch(/ANTHROPIC_API_KEY/);
  });

  it("does not call the model for a namespace the policy excludes", async () => {
    fake = await startFakeAnthropic({ script: [] });
    const report = await investigateWithModel({
      reader: new MemoryReader(objects()),
      triage: triage(),
      trigger: trigger(),
      policy: parsePolicy("namespaces: [staging-*]"),
      config: { apiKey: "k", baseURL: fake.url },
    });
    expect(report.fallbackReason).toMatch(/outside the policy's namespaces/);
    expect(fake.requests).toHaveLength(0);
  });

  it("falls back when the token budget runs out", async () => {
    const { report } = await run(
      [
        { kind: "tool_use", calls: [{ name: "list_resources", input: { kind: "Pod" } }] },
        { kind: "tool_use", calls: [{ name: "get_events", input: {} }] },
      ],
      { tokenBudget: 500 },
    );
    expect(report.source).toBe("deterministic");
    expect(report.fallbackReason).toMatch(/token budget/);
  });

  it("stops at the wall-clock limit when the API hangs", async () => {
    const { report } = await run([{ kind: "hang" }], { timeoutMs: 300, maxRetries: 0 });
    expect(report.source).toBe("deterministic");
    expect(report.fallbackReason).toMatch(/timed out/);
  });

  it("cuts an oversized tool result to its cap and says how to narrow it", async () => {
    fake = await startFakeAnthropic({
      script: [
        {
          kind: "tool_use",
          calls: [{ name: "pod_logs", input: { pod: "api-7d9f-1", tailLines: 500 }, id: "big" }],
        },
        { kind: "final", input: rca("big") },
      ],
    });
    const noisy = Array.from(
      { length: 400 },
      (_, i) => `2026-11-21T08:00:${i} INFO request ${i} served in 3ms`,
    ).join("\n");
    const report = await investigateWithModel({
      reader: new MemoryReader(objects(), { [`${NS}/api-7d9f-1`]: noisy }),
      triage: triage(),
      trigger: trigger(),
      policy: defaultPolicy(),
      config: { apiKey: "k", baseURL: fake.url, model: "claude-sonnet-5-5", resultTokenCap: 400 },
    });
    expect(report.source).toBe("model");
    const [result] = toolResultsOf(fake.requests[1]!);
    const text = resultText(result!);
    expect(text.length).toBeLessThanOrEqual(400 * 4);
    expect(text).toContain("[truncated:");
    expect(text).toContain("Lower tailLines or add grep.");
  });

  it("hides a known secret value the model repeats in its own answer, before it is stored or posted", async () => {
    // "hunter2-db-pass" has no token shape: only the investigation's registry knows it is secret.
    const leaked = SECRET_VALUES[1] as string;
    const { report } = await run([
      {
        kind: "final",
        input: rca("triage", {
          summary: `api fails because the database rejects ${leaked}`,
          dangerousAssumption: `that ${leaked} is still the current password`,
        }),
      },
    ]);
    expect(report.source).toBe("model");
    expect(JSON.stringify(report)).not.toContain(leaked);
    expect(report.summary).toBe("api fails because the database rejects [REDACTED]");
    // Names next to it come through: the Deployment "api" and its container keep their names.
    expect(report.rootCauses[0]?.resource.name).toBe("api");
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    controller.abort();
    fake = await startFakeAnthropic({ script: [{ kind: "final", input: rca("triage") }] });
    const report = await investigateWithModel({
      reader: new MemoryReader(objects()),
      triage: triage(),
      trigger: trigger(),
      policy: defaultPolicy(),
      signal: controller.signal,
      config: { apiKey: "k", baseURL: fake.url },
    });
    expect(report.fallbackReason).toMatch(/cancelled/);
    expect(fake.requests).toHaveLength(0);
  });
});
