import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeAnthropic,
  resultText,
  startFakeAnthropic,
  toolResultsOf,
} from "../../../src/dev/fake-anthropic.js";
import type { RcaReport } from "../../../src/domain/rca.js";
import { runCli } from "./run-cli.js";

/**
 * Claude in the CLI: `triage --from-file` with ANTHROPIC_API_KEY runs the worker's investigation
 * loop against the real Messages protocol (the project's fake Anthropic server on loopback), its
 * reads served by the in-process simulated API. Planted secrets must reach neither the model nor
 * the report nor the evidence directory.
 */

const BILLING = join(import.meta.dirname, "..", "..", "fixtures", "dumps", "billing-crashloop.yaml");
const POD = "invoice-api-84c6b9d7f5-w9t2n";
const PLANTED = [
  "sk_live_51PlantedStripeKey0000000000000000000000000000",
  "Planted-DB-Passw0rd-7731",
  "UGxhbnRlZC1TaWduaW5nLUtleS05OTgx",
  "Planted-Signing-Key-9981",
];

let dir: string;
let fake: FakeAnthropic | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "triage-claude-"));
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const finalRca = {
  summary: "invoice-api 3.2.0 cannot authenticate to its database and exits on start",
  severity: "P2",
  rootCauses: [
    {
      category: "crash-loop",
      name: "invoice-api database authentication fails",
      summary: "The previous container log shows the schema migration failing on password authentication.",
      resource: { kind: "Deployment", namespace: "billing", name: "invoice-api" },
      affected: [{ kind: "Pod", namespace: "billing", name: POD }],
      evidence: [{ quote: 'password authentication failed for user "billing"', source: "c_logs" }],
      confidence: 0.86,
    },
  ],
  confidence: 0.85,
  hypothesesRejected: [{ hypothesis: "out of memory", reason: "exit code 1, reason Error, not OOMKilled" }],
  dangerousAssumption: "the database itself is up and only the credentials are wrong",
  remediations: [],
  validationPlan: ["Deployment billing/invoice-api reports 1/1 ready"],
};

const env = (url: string) => ({
  ANTHROPIC_API_KEY: "sk-ant-test",
  ANTHROPIC_BASE_URL: url,
  LOG_LEVEL: "warn",
});

describe("k8s-triage triage with Claude", () => {
  it("runs the model loop on a state file, says Claude produced the RCA, and leaks no planted secret", async () => {
    fake = await startFakeAnthropic({
      script: [
        {
          kind: "tool_use",
          calls: [
            { name: "describe", input: { kind: "Pod", name: POD }, id: "c_describe" },
            { name: "pod_logs", input: { pod: POD, previous: true }, id: "c_logs" },
          ],
        },
        { kind: "final", input: finalRca },
      ],
    });
    const evidence = join(dir, "evidence");
    const run = await runCli(
      ["triage", "billing", "--from-file", BILLING, "--format", "markdown", "--evidence-dir", evidence],
      env(fake.url),
    );
    expect(run.stderr).not.toContain("Claude's analysis failed");
    expect(run.code).toBe(0);
    // The loop ran: the model asked for reads, and got the cluster's answers back.
    expect(fake.requests.length).toBe(2);
    const results = toolResultsOf(fake.requests[1]!).map(resultText).join("\n");
    expect(results).toContain("password authentication failed");
    expect(results).toContain(POD);
    expect(run.stdout).toContain("- **Engine:** Claude (");
    expect(run.stdout).toContain("invoice-api 3.2.0 cannot authenticate to its database");
    expect(run.stdout).toContain("- **Input:** state file");
    const files = (await readdir(evidence)).sort();
    expect(files).toContain("rca.json");
    const rca = JSON.parse(await readFile(join(evidence, "rca.json"), "utf8")) as RcaReport;
    expect(rca.source).toBe("model");
    expect(rca.rootCauses[0]?.evidence[0]?.source).toBe("c_logs");
    // No planted secret anywhere: not in what the model was sent, the report, or the evidence.
    const written = await Promise.all(
      files.filter((f) => f !== "logs").map((f) => readFile(join(evidence, f), "utf8")),
    );
    const logs = await Promise.all(
      (await readdir(join(evidence, "logs"))).map((f) => readFile(join(evidence, "logs", f), "utf8")),
    );
    const everything = [...fake.requests.map((r) => r.raw), run.stdout, run.stderr, ...written, ...logs].join(
      "\n",
    );
    for (const secret of PLANTED) expect(everything).not.toContain(secret);
  });

  it("falls back to the deterministic RCA with a clear note when the API keeps answering 429", async () => {
    const busy = { kind: "error" as const, status: 429, retryAfterMs: 1 };
    fake = await startFakeAnthropic({ script: [busy, busy, busy, busy, busy] });
    const run = await runCli(["triage", "billing", "--from-file", BILLING], env(fake.url));
    expect(run.code).toBe(0);
    expect(fake.requests.length).toBeGreaterThanOrEqual(2);
    expect(run.stderr).toMatch(/Claude's analysis failed, showing the deterministic one: .*HTTP 429/);
    expect(run.stdout).toMatch(
      /RCA by deterministic engine \(Claude not used: the model API failed \(HTTP 429\)/,
    );
    // The deterministic triage is all there.
    expect(run.stdout).toContain("[crash-loop] Deployment billing/invoice-api");
  });

  it("--no-llm never calls the model, and says so", async () => {
    fake = await startFakeAnthropic({ script: [] });
    const run = await runCli(["triage", "billing", "--from-file", BILLING, "--no-llm"], env(fake.url));
    expect(run.code).toBe(0);
    expect(fake.requests).toEqual([]);
    expect(run.stdout).toContain("RCA by deterministic engine (Claude not used: --no-llm was given)");
    expect(run.stdout).toContain("Input: state file");
    expect(run.stdout).toContain("read as recorded (no simulation)");
  });
});
