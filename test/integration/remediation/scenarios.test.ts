import { afterEach, describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import type { RemediationProposal } from "../../../src/domain/actions.js";
import type { KubeEvent, Pod, Workload } from "../../../src/domain/kube.js";
import type { TriageResult } from "../../../src/domain/types.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { automaticDecision, recordAutomatic } from "../../../src/remediation/automatic.js";
import { proposalFromAction } from "../../../src/remediation/catalog.js";
import { runRemediation } from "../../../src/remediation/run.js";
import { triage } from "../../../src/triage/index.js";
import { type Harness, startHarness, writes } from "./fixture.js";

/**
 * The built-in scenarios end to end: the deterministic triage proposes, the executor applies
 * (with its own identity, dry run first), the validator waits on the simulated clock.
 */
const policy = parsePolicy(`
namespaces: ["*"]
approvers: [{namespaces: ["*"], users: ["U0ALICE"]}]
remediation: {maxRisk: medium, autoRollback: true, validationTimeoutSeconds: 300}
`);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function triageOf(harness: Harness, namespace: string): Promise<TriageResult> {
  const snapshot = await collectSnapshot(harness.reader, { namespace }, { source: { type: "live" } });
  return triage(snapshot, { namespace });
}

function find(result: TriageResult, action: string, name: string): RemediationProposal {
  const found = result.remediations.find((p) => p.action === action && p.target.name === name);
  if (!found) {
    throw new Error(
      `no ${action} for ${name}; triage proposed: ${result.remediations.map((p) => p.id).join(", ")}`,
    );
  }
  return found;
}

const run = (harness: Harness, proposal: RemediationProposal, namespace: string) =>
  runRemediation({
    proposal,
    actor: "U0ALICE",
    mode: "manual",
    executor: harness.executor,
    reader: harness.reader,
    policy,
    investigatedNamespace: namespace,
    audit: harness.sink,
    clock: harness.clock,
    sleep: harness.sleep,
  });

describe("scenario a-team-missing-pvc", () => {
  it("creates the missing PVC; postgres-db runs; validated resolved", async () => {
    h = await startHarness({ scenario: "a-team-missing-pvc" });
    const result = await triageOf(h, "a-team");
    const proposal = result.remediations.find((p) => p.action === "create-pvc");
    if (!proposal)
      throw new Error(`no create-pvc proposed: ${result.remediations.map((p) => p.id).join(", ")}`);
    h.sim.clearRequests();
    const outcome = await run(h, proposal, "a-team");
    expect(outcome.status).toBe("succeeded");
    expect(outcome.validation?.verdict).toBe("resolved");
    expect(writes(h.sim.requests)).toEqual([
      "executor create persistentvolumeclaims/ dryRun 201",
      "executor create persistentvolumeclaims/ 201",
    ]);
    const pods = (await h.reader.list("pods", { namespace: "a-team" })) as Pod[];
    const postgres = pods.filter((pod) => pod.metadata.name?.startsWith("postgres-db"));
    expect(postgres.length).toBeGreaterThan(0);
    expect(postgres.every((pod) => pod.status?.phase === "Running")).toBe(true);
  });
});

describe("scenario a-team-missing-pvc in automatic mode", () => {
  it("the policy's selector lets the claim be created without a human, once per cooldown", async () => {
    h = await startHarness({ scenario: "a-team-missing-pvc" });
    const auto = parsePolicy(`
namespaces: ["*"]
remediation: {maxRisk: medium}
automatic:
  - selector: {type: Warning, reason: FailedScheduling, kind: Pod, namespace: "a-team", message: "persistentvolumeclaim"}
    mode: automatic
    confidenceThreshold: 0.85
    maxRiskLevel: low
`);
    const result = await triageOf(h, "a-team");
    const proposal = result.remediations.find((p) => p.action === "create-pvc");
    const cause = result.rootCauses.find((c) => c.id === proposal?.rootCauseId);
    const events = (await h.reader.list("events", { namespace: "a-team" })) as KubeEvent[];
    const event = events.find((e) => e.type === "Warning" && e.reason === "FailedScheduling");
    if (!proposal || !cause || !event) throw new Error("scenario lacks the create-pvc proposal or its event");
    const input = {
      policy: auto,
      event: {
        type: event.type ?? "",
        reason: event.reason ?? "",
        kind: event.involvedObject.kind ?? "",
        namespace: "a-team",
        message: event.message ?? "",
      },
      rootCause: { category: cause.category, confidence: cause.confidence },
      proposal,
      now: h.sim.clock.nowMs(),
      history: { runs: [] },
    };
    const decision = automaticDecision(input);
    expect(decision.allow).toBe(true);
    if (!decision.allow) return;
    expect(decision.reason).toMatch(
      /^automatic: selector #0 matched FailedScheduling in a-team, confidence 0\.\d+ ≥ 0\.85, risk low ≤ low$/,
    );
    const outcome = await runRemediation({
      proposal,
      actor: "automatic",
      mode: "automatic",
      executor: h.executor,
      reader: h.reader,
      policy: auto,
      investigatedNamespace: "a-team",
      clock: h.clock,
      sleep: h.sleep,
    });
    expect(outcome.validation?.verdict).toBe("resolved");
    // The same target again within the cooldown is left to a human.
    const again = automaticDecision({
      ...input,
      history: recordAutomatic(auto, { runs: [] }, decision.record),
    });
    expect(again.allow).toBe(false);
    expect(again.reason).toContain("cooldown 15 min");
  });
});

describe("scenario prod-api-outage", () => {
  // Triage proposes no raise here (2x the limit would still be below usage); the model's
  // suggestion goes through proposalFromAction, as the agent does.
  const raise = async (harness: Harness, memory: string) => {
    const current = await harness.reader.get("deployments", "analytics-service", "prod-api");
    return proposalFromAction(
      {
        action: "set-resources",
        target: { kind: "Deployment", namespace: "prod-api", name: "analytics-service" },
        params: { container: "analytics-service", limits: { memory } },
      },
      current,
      "oom-killed:Deployment/prod-api/analytics-service",
    );
  };
  const analyticsLimit = async (harness: Harness) => {
    const deployment = (await harness.reader.get("deployments", "analytics-service", "prod-api")) as Workload;
    return deployment.spec.template.spec.containers[0]?.resources?.limits?.memory;
  };

  it("raises analytics-service's memory limit above usage; Running and validated", async () => {
    h = await startHarness({ scenario: "prod-api-outage" });
    const proposal = await raise(h, "512Mi");
    expect(proposal.change).toBe("containers[analytics-service].resources.limits.memory: 128Mi -> 512Mi");
    h.sim.clearRequests();
    const outcome = await run(h, proposal, "prod-api");
    expect(outcome.validation?.verdict).toBe("resolved");
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/analytics-service dryRun 200",
      "executor patch deployments/analytics-service 200",
    ]);
    const pods = (await h.reader.list("pods", {
      namespace: "prod-api",
      labelSelector: "app=analytics-service",
    })) as Pod[];
    expect(pods.map((pod) => pod.status?.phase)).toEqual(["Running"]);
  });

  it("rolls back a raise still below usage (256Mi < 300Mi): the prior limit is restored", async () => {
    h = await startHarness({ scenario: "prod-api-outage" });
    const proposal = await raise(h, "256Mi");
    h.sim.clearRequests();
    const outcome = await run(h, proposal, "prod-api");
    expect(outcome.validation?.verdict).toBe("not-resolved");
    expect(outcome.validation?.evidence.join("\n")).toContain("OOMKilled");
    expect(outcome.rollback).toMatchObject({
      status: "succeeded",
      proposal: { action: "rollback", params: { toRevision: 3 } },
    });
    expect(outcome.rolledBack).toBe(true);
    expect(await analyticsLimit(h)).toBe("128Mi");
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/analytics-service dryRun 200",
      "executor patch deployments/analytics-service 200",
      "executor patch deployments/analytics-service dryRun 200",
      "executor patch deployments/analytics-service 200",
    ]);
  });

  it("rolls payment-service back to its last working revision; validated", async () => {
    h = await startHarness({ scenario: "prod-api-outage" });
    const result = await triageOf(h, "prod-api");
    const proposal = find(result, "rollback", "payment-service");
    h.sim.clearRequests();
    const outcome = await run(h, proposal, "prod-api");
    expect(outcome.validation?.verdict).toBe("resolved");
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/payment-service dryRun 200",
      "executor patch deployments/payment-service 200",
    ]);
  });

  it("leaves a missing Secret to humans: no proposal for it, nothing executes", async () => {
    h = await startHarness({ scenario: "prod-api-outage" });
    const result = await triageOf(h, "prod-api");
    const secretCauses = result.rootCauses.filter((cause) => cause.category === "missing-secret");
    expect(secretCauses.length).toBeGreaterThan(0);
    const ids = new Set(secretCauses.map((cause) => cause.id));
    expect(result.remediations.filter((p) => ids.has(p.rootCauseId))).toEqual([]);
    expect(secretCauses.every((cause) => cause.nextSteps.length > 0)).toBe(true);
    expect(writes(h.sim.requests)).toEqual([]);
  });
});
