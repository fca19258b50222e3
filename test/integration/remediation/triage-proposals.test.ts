import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import type { TriageResult } from "../../../src/domain/types.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { gateProposal } from "../../../src/remediation/gate.js";
import { runRemediation } from "../../../src/remediation/run.js";
import { triage } from "../../../src/triage/index.js";
import { type Harness, startHarness, writes } from "./fixture.js";
import { REMEDIATION_STATE } from "./state.js";

/** The proposals the deterministic triage makes, executed as they are (no re-proposing). */
const policy = parsePolicy(`
namespaces: ["shop"]
approvers: [{namespaces: ["*"], users: ["U0ALICE"]}]
remediation: {maxRisk: medium, validationTimeoutSeconds: 240}
`);

let h: Harness;
let result: TriageResult;
beforeAll(async () => {
  h = await startHarness({ state: REMEDIATION_STATE });
  const snapshot = await collectSnapshot(h.reader, { namespace: "shop" }, { source: { type: "live" } });
  result = triage(snapshot, { namespace: "shop" });
});
afterAll(async () => {
  await h.close();
});

const run = (id: string) => {
  const proposal = result.remediations.find((item) => item.id === id);
  if (!proposal)
    throw new Error(`triage made no proposal ${id}: ${result.remediations.map((p) => p.id).join(", ")}`);
  expect(gateProposal(proposal, policy, { investigatedNamespace: "shop", mode: "manual" })).toEqual({
    allow: true,
  });
  return runRemediation({
    proposal,
    actor: "U0ALICE",
    mode: "manual",
    executor: h.executor,
    reader: h.reader,
    policy,
    investigatedNamespace: "shop",
    clock: h.clock,
    sleep: h.sleep,
  });
};

describe("triage proposals through the executor", () => {
  it("the OOM memory raise applies despite status churn since triage and is validated", async () => {
    // Time passes between the proposal and the approval; the pods keep crashing (status updates).
    h.sim.clock.advance(60_000);
    h.sim.clearRequests();
    const outcome = await run("set-resources:shop/api");
    expect(outcome.status).toBe("succeeded");
    expect(outcome.validation?.verdict).toBe("resolved");
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/api dryRun 200",
      "executor patch deployments/api 200",
    ]);
  });

  it("the missing claim is created and the database runs", async () => {
    h.sim.clearRequests();
    const outcome = await run("create-pvc:shop/db-data");
    expect(outcome.validation?.verdict).toBe("resolved");
    expect(writes(h.sim.requests)).toEqual([
      "executor create persistentvolumeclaims/ dryRun 201",
      "executor create persistentvolumeclaims/ 201",
    ]);
  });

  it("a triage proposal whose checked field changed since is refused as drift", async () => {
    const proposal = result.remediations.find((item) => item.id === "set-resources:shop/api");
    if (!proposal) throw new Error("no proposal");
    // The first test applied it: the limit is no longer the 64Mi the proposal expected.
    h.sim.clearRequests();
    const outcome = await h.executor.execute(proposal, { actor: "U0ALICE", mode: "manual" });
    expect(outcome.status).toBe("refused");
    expect(outcome.message).toContain(
      "spec.template.spec.containers[app].resources.limits.memory is 128Mi, the proposal expected 64Mi",
    );
    expect(writes(h.sim.requests)).toEqual([]);
  });
});
