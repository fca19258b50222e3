import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { rcaFromTriage } from "../../../src/agent/fallback.js";
import { validateWithModel } from "../../../src/agent/index.js";
import { defaultPolicy } from "../../../src/config/policy.js";
import {
  type FakeAnthropic,
  resultText,
  startFakeAnthropic,
  toolResultsOf,
} from "../../../src/dev/fake-anthropic.js";
import type { Trigger } from "../../../src/domain/investigation.js";
import { createExecutor } from "../../../src/remediation/executor.js";
import { scenarioPath } from "../../../src/sim/scenarios/index.js";
import { type Incident, startIncident } from "./harness.js";

const NS = "prod-api";
let fake: FakeAnthropic | undefined;
let incident: Incident | undefined;
afterEach(async () => {
  await fake?.close();
  await incident?.close();
});

const trigger: Trigger = { source: "slash-command", namespace: NS, receivedAt: "2026-01-15T14:30:00Z" };

describe("validation after a remediation on the simulated cluster", () => {
  it("checks the plan with a focused loop after the memory limit was raised", async () => {
    incident = await startIncident(readFileSync(scenarioPath("prod-api-outage"), "utf8"), NS, true);
    const proposal = incident.triage.remediations.find((p) => p.action === "set-resources");
    expect(proposal).toBeDefined();
    const executor = createExecutor({ kubeConfig: incident.sim.kubeConfig("executor") });
    const outcome = await executor.execute(proposal!, { actor: "U0ALICE", mode: "manual" });
    expect(outcome.status, outcome.message).toBe("succeeded");
    incident.sim.clock.advance(120_000);

    fake = await startFakeAnthropic({
      script: [
        { kind: "tool_use", calls: [{ name: "list_resources", input: { kind: "Deployment" }, id: "deps" }] },
        (request) => {
          const table = resultText(toolResultsOf(request)[0]!);
          const row = table.split("\n").find((line) => line.startsWith("analytics-service")) ?? "";
          const ready = /\s(\d+)\/(\d+)\s/.exec(row);
          const met = ready !== null && ready[1] === ready[2];
          return {
            kind: "final",
            name: "submit_validation",
            input: {
              verdict: met ? "resolved" : "not-resolved",
              summary: `analytics-service row: ${row.trim()}`,
              criteria: [
                {
                  criterion: "analytics-service ready",
                  met,
                  evidence: { quote: row.trim(), source: "deps" },
                },
              ],
            },
          };
        },
      ],
    });
    const rca = rcaFromTriage(incident.triage, "test");
    const verdict = await validateWithModel({
      reader: incident.reader,
      rca,
      trigger,
      policy: defaultPolicy(),
      executed: { proposal: proposal!, outcome },
      config: { apiKey: "k", baseURL: fake.url, model: "claude-sonnet-5-5" },
    });
    expect(verdict.source).toBe("model");
    expect(verdict.verdict).toBe("resolved");
    expect(verdict.evidence.join("\n")).toMatch(/met: analytics-service ready — "analytics-service\s+1\/1/);
    const first = fake.requests[0]!;
    expect(JSON.stringify(first.body.system)).toContain("validation step");
    expect(first.raw).toContain("set-resources");
    expect(first.body.tools?.map((t) => t.name)).toContain("submit_validation");

    // Without a model the same question gets the deterministic readiness answer.
    const fallback = await validateWithModel({
      reader: incident.reader,
      rca,
      trigger,
      policy: defaultPolicy(),
      executed: { proposal: proposal!, outcome },
      config: { apiKey: undefined },
    });
    expect(fallback.source).toBe("deterministic");
    expect(fallback.evidence).toContain(`Deployment ${NS}/analytics-service: 1/1 ready`);
    expect(fallback.verdict).toBe("partially-resolved");
  });
});
