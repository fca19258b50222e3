import { afterEach, describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import type { RemediationAction } from "../../../src/domain/actions.js";
import type { Workload } from "../../../src/domain/kube.js";
import { proposalFromAction } from "../../../src/remediation/catalog.js";
import { runRemediation } from "../../../src/remediation/run.js";
import { type Harness, startHarness, writes } from "./fixture.js";
import { REMEDIATION_STATE } from "./state.js";

const policy = (autoRollback: boolean) =>
  parsePolicy(`
namespaces: ["shop"]
approvers: [{namespaces: ["*"], users: ["U0ALICE"]}]
remediation: {maxRisk: medium, autoRollback: ${autoRollback}, validationTimeoutSeconds: 240}
`);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function propose(harness: Harness, action: RemediationAction, rootCause: string) {
  const plural = { PersistentVolumeClaim: "persistentvolumeclaims", Deployment: "deployments" }[
    action.target.kind as "Deployment"
  ];
  const current = await harness.reader.get(plural, action.target.name, action.target.namespace);
  const replicaSets = await harness.reader.list("replicasets", { namespace: action.target.namespace });
  return proposalFromAction(action, current, rootCause, { replicaSets });
}

const memoryLimit = async (harness: Harness) => {
  const api = (await harness.reader.get("deployments", "api", "shop")) as Workload;
  return api.spec.template.spec.containers[0]?.resources?.limits?.memory;
};

describe("runRemediation on the simulated cluster", () => {
  it("creates a missing PVC; the pod mounting it runs; validated resolved", async () => {
    h = await startHarness({ state: REMEDIATION_STATE });
    const proposal = await propose(
      h,
      {
        action: "create-pvc",
        target: { kind: "PersistentVolumeClaim", namespace: "shop", name: "db-data" },
        params: { storageClassName: "standard", size: "1Gi", accessModes: ["ReadWriteOnce"] },
      },
      "missing-pvc:Deployment/shop/db",
    );
    h.sim.clearRequests();
    const outcome = await runRemediation({
      proposal,
      actor: "U0ALICE",
      mode: "manual",
      executor: h.executor,
      reader: h.reader,
      policy: policy(false),
      audit: h.sink,
      clock: h.clock,
      sleep: h.sleep,
    });
    expect(outcome.status).toBe("succeeded");
    expect(outcome.validation?.verdict).toBe("resolved");
    expect(outcome.validation?.evidence.slice(0, 2)).toEqual([
      "ok: PersistentVolumeClaim shop/db-data is Bound",
      "ok: all 1 pods of workloads mounting db-data are Running and Ready",
    ]);
    expect(writes(h.sim.requests)).toEqual([
      "executor create persistentvolumeclaims/ dryRun 201",
      "executor create persistentvolumeclaims/ 201",
    ]);
    expect(h.audit.map((entry) => entry.type)).toEqual([
      "remediation.dry-run",
      "remediation.executed",
      "remediation.validated",
    ]);
  });

  it("raises a memory limit above usage; the pods run; validated resolved; secrets stay redacted", async () => {
    h = await startHarness({ state: REMEDIATION_STATE });
    const proposal = await propose(
      h,
      {
        action: "set-resources",
        target: { kind: "Deployment", namespace: "shop", name: "api" },
        params: { container: "app", limits: { memory: "256Mi" } },
      },
      "oom-killed:Deployment/shop/api",
    );
    expect(proposal.change).toBe("containers[app].resources.limits.memory: 64Mi -> 256Mi");
    h.sim.clearRequests();
    const outcome = await runRemediation({
      proposal,
      actor: "U0ALICE",
      mode: "manual",
      executor: h.executor,
      reader: h.reader,
      policy: policy(true),
      audit: h.sink,
      clock: h.clock,
      sleep: h.sleep,
    });
    expect(outcome.validation?.verdict).toBe("resolved");
    expect(outcome.rollback).toBeUndefined();
    expect(await memoryLimit(h)).toBe("256Mi");
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/api dryRun 200",
      "executor patch deployments/api 200",
    ]);
    // before/after and the audit trail carry no secret values.
    expect(JSON.stringify(outcome)).not.toContain("hunter2");
    expect(JSON.stringify(h.audit)).not.toContain("hunter2");
    expect(JSON.stringify(outcome.before)).toContain("64Mi");
  });

  it("rolls a Deployment back to its last good revision; validated resolved", async () => {
    h = await startHarness({ state: REMEDIATION_STATE });
    const proposal = await propose(
      h,
      {
        action: "rollback",
        target: { kind: "Deployment", namespace: "shop", name: "pay" },
        params: { toRevision: 1 },
      },
      "crash-loop:Deployment/shop/pay",
    );
    // The whole template is replaced: the card lists the annotations it drops as well as the image.
    expect(proposal.change).toBe(
      [
        'spec.template.metadata.annotations: {"triage.sim/exit-code":"1","triage.sim/log":"panic: nil map in config loader"} -> unset',
        "spec.template.spec.containers[app].image: registry.example.com/shop/pay:1.9.0 -> registry.example.com/shop/pay:1.8.0",
      ].join("\n"),
    );
    h.sim.clearRequests();
    const outcome = await runRemediation({
      proposal,
      actor: "U0ALICE",
      mode: "manual",
      executor: h.executor,
      reader: h.reader,
      policy: policy(false),
      audit: h.sink,
      clock: h.clock,
      sleep: h.sleep,
    });
    expect(outcome.validation?.verdict).toBe("resolved");
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/pay dryRun 200",
      "executor patch deployments/pay 200",
    ]);
    // The restored template is the real one (the executor reads unredacted), not "[REDACTED]".
    const pay = h.sim.view.get("Deployment", "shop", "pay") as Workload;
    expect(pay.spec.template.spec.containers[0]?.env).toEqual([
      { name: "API_TOKEN", value: "tok-abc123-do-not-leak" },
    ]);
    expect(pay.spec.template.spec.containers[0]?.image).toBe("registry.example.com/shop/pay:1.8.0");
  });

  it("rolls back automatically when a memory raise is still below usage (autoRollback on)", async () => {
    h = await startHarness({ state: REMEDIATION_STATE });
    const proposal = await propose(
      h,
      {
        action: "set-resources",
        target: { kind: "Deployment", namespace: "shop", name: "api" },
        params: { container: "app", limits: { memory: "80Mi" } },
      },
      "oom-killed:Deployment/shop/api",
    );
    h.sim.clearRequests();
    const outcome = await runRemediation({
      proposal,
      actor: "U0ALICE",
      mode: "manual",
      executor: h.executor,
      reader: h.reader,
      policy: policy(true),
      audit: h.sink,
      clock: h.clock,
      sleep: h.sleep,
    });
    expect(outcome.validation?.verdict).toBe("not-resolved");
    expect(outcome.validation?.evidence.join("\n")).toContain("OOMKilled");
    expect(outcome.rollback?.status).toBe("succeeded");
    expect(outcome.rollback?.proposal).toMatchObject({ action: "rollback", params: { toRevision: 1 } });
    expect(outcome.rolledBack).toBe(true);
    expect(await memoryLimit(h)).toBe("64Mi");
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/api dryRun 200",
      "executor patch deployments/api 200",
      "executor patch deployments/api dryRun 200",
      "executor patch deployments/api 200",
    ]);
  });

  it("proposes the rollback for approval when autoRollback is off", async () => {
    h = await startHarness({ state: REMEDIATION_STATE });
    const proposal = await propose(
      h,
      {
        action: "set-resources",
        target: { kind: "Deployment", namespace: "shop", name: "api" },
        params: { container: "app", limits: { memory: "80Mi" } },
      },
      "oom-killed:Deployment/shop/api",
    );
    const outcome = await runRemediation({
      proposal,
      actor: "U0ALICE",
      mode: "manual",
      executor: h.executor,
      reader: h.reader,
      policy: policy(false),
      audit: h.sink,
      clock: h.clock,
      sleep: h.sleep,
    });
    expect(outcome.validation?.verdict).toBe("not-resolved");
    expect(outcome.rollback?.status).toBe("proposed");
    expect(outcome.rolledBack).toBe(false);
    expect(await memoryLimit(h)).toBe("80Mi");
    // Approving the proposed undo restores the prior state through the same executor path.
    const undo = outcome.rollback?.proposal;
    if (!undo) throw new Error("expected an undo proposal");
    const restored = await h.executor.execute(undo, { actor: "U0ALICE", mode: "manual" });
    expect(restored.status).toBe("succeeded");
    expect(await memoryLimit(h)).toBe("64Mi");
  });
});

describe("undoing a created PVC", () => {
  it("leaves a claim the failing pod mounts in place, and says how to remove it", async () => {
    h = await startHarness({ state: REMEDIATION_STATE });
    const proposal = await propose(
      h,
      {
        action: "create-pvc",
        target: { kind: "PersistentVolumeClaim", namespace: "shop", name: "cache-data" },
        params: { storageClassName: "standard", size: "1Gi", accessModes: ["ReadWriteOnce"] },
      },
      "missing-pvc:Deployment/shop/cache",
    );
    const outcome = await runRemediation({
      proposal,
      actor: "U0ALICE",
      mode: "manual",
      executor: h.executor,
      reader: h.reader,
      policy: policy(true),
      clock: h.clock,
      sleep: h.sleep,
    });
    // The claim bound (progress) but the pod still crashes: partial, so nothing is undone unasked.
    expect(outcome.validation?.verdict).toBe("partially-resolved");
    expect(outcome.rollback).toEqual({
      status: "manual",
      message:
        "the bot created PersistentVolumeClaim shop/cache-data; if it is not wanted, delete it once unused: kubectl -n shop delete pvc cache-data",
    });
    // Even when asked, the executor does not delete a claim a pod mounts.
    const uid = (outcome.after as { metadata: { uid: string } }).metadata.uid;
    h.sim.clearRequests();
    const removal = await h.executor.removeCreatedClaim(
      { namespace: "shop", name: "cache-data", uid },
      { actor: "U0ALICE", mode: "manual", proposalId: `undo:${proposal.id}` },
    );
    expect(removal).toMatchObject({ status: "refused", code: "CLAIM_IN_USE" });
    expect(removal.message).toMatch(/^PersistentVolumeClaim shop\/cache-data is mounted by cache-/);
    expect(writes(h.sim.requests)).toEqual([]);
  });
});
