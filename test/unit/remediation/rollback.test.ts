import { describe, expect, it } from "vitest";
import type { RemediationProposal } from "../../../src/domain/actions.js";
import type { ExecutionOutcome } from "../../../src/domain/investigation.js";
import type { Workload } from "../../../src/domain/kube.js";
import { planRollback } from "../../../src/remediation/rollback.js";
import { deployment, replicaSet } from "./fixtures.js";

const raise: RemediationProposal = {
  action: "set-resources",
  target: { kind: "Deployment", namespace: "prod-api", name: "analytics-service" },
  params: { container: "app", limits: { memory: "96Mi" } },
  id: "set-resources:prod-api/analytics-service/app",
  rootCauseId: "oom",
  risk: "medium",
  summary: "s",
  change: "c",
  preconditions: {},
};

function raised(revision: string): Workload {
  const current = deployment({ revision, rv: "200", generation: 4 });
  const app = current.spec.template.spec.containers[0];
  if (app?.resources?.limits) app.resources.limits.memory = "96Mi";
  return current;
}

const outcome = (before: unknown, after: unknown): ExecutionOutcome => ({
  status: "succeeded",
  message: "ok",
  before,
  after,
});

describe("planRollback", () => {
  it("rolls a Deployment back to the revision it ran before", () => {
    const before = deployment({ revision: "3" });
    const current = raised("4");
    const rs3 = replicaSet(3, "registry/analytics:1.3");
    (rs3.spec as { template: unknown }).template = structuredClone(before.spec.template);
    const rs4 = replicaSet(4, "registry/analytics:1.3");
    (rs4.spec as { template: unknown }).template = structuredClone(current.spec.template);
    const plan = planRollback({
      proposal: raise,
      outcome: outcome(before, raised("3")),
      current,
      replicaSets: [rs3, rs4],
    });
    expect(plan.kind).toBe("proposal");
    if (plan.kind !== "proposal") return;
    expect(plan.proposal).toMatchObject({
      id: "undo:set-resources:prod-api/analytics-service/app",
      action: "rollback",
      params: { toRevision: 3 },
      risk: "medium",
      preconditions: {
        resourceVersion: "200",
        expected: {
          "metadata.generation": 4,
          'metadata.annotations["deployment.kubernetes.io/revision"]': "4",
        },
      },
    });
  });

  it("uses the inverse action when there is no revision (StatefulSets)", () => {
    const sts = (memory: string) => {
      const object = deployment({ rv: "9" });
      object.kind = "StatefulSet";
      delete object.metadata.annotations;
      const app = object.spec.template.spec.containers[0];
      if (app?.resources?.limits) app.resources.limits.memory = memory;
      return object;
    };
    const proposal = { ...raise, target: { ...raise.target, kind: "StatefulSet" as const } };
    const plan = planRollback({ proposal, outcome: outcome(sts("64Mi"), sts("96Mi")), current: sts("96Mi") });
    expect(plan.kind === "proposal" && plan.proposal).toMatchObject({
      action: "set-resources",
      params: { container: "app", limits: { memory: "64Mi" } },
      change: "containers[app].resources.limits.memory: 96Mi -> 64Mi",
    });
  });

  it("does not overwrite a field someone else changed since", () => {
    const current = raised("4");
    const app = current.spec.template.spec.containers[0];
    if (app?.resources?.limits) app.resources.limits.memory = "2Gi";
    expect(planRollback({ proposal: raise, outcome: outcome(deployment(), raised("3")), current })).toEqual({
      kind: "none",
      reason:
        "spec.template.spec.containers[name=app].resources.limits.memory was changed by someone else since; not overwriting it",
    });
  });

  it("does not touch a replaced target", () => {
    const current = raised("1");
    current.metadata.uid = "uid-other";
    expect(planRollback({ proposal: raise, outcome: outcome(deployment(), raised("3")), current })).toEqual({
      kind: "none",
      reason: "the target was replaced since the change; not touching it",
    });
  });

  it("deletes only a claim the bot created, and says when there is nothing to undo", () => {
    const pvc: RemediationProposal = {
      ...raise,
      action: "create-pvc",
      target: { kind: "PersistentVolumeClaim", namespace: "a-team", name: "data" },
      params: { storageClassName: "standard", size: "1Gi", accessModes: ["ReadWriteOnce"] },
    } as RemediationProposal;
    const created = {
      metadata: { name: "data", uid: "u1", annotations: { "k8s-triage-bot/created-by": "create-pvc" } },
    };
    expect(planRollback({ proposal: pvc, outcome: outcome(undefined, created), current: undefined })).toEqual(
      {
        kind: "delete-claim",
        namespace: "a-team",
        name: "data",
        uid: "u1",
      },
    );
    expect(
      planRollback({
        proposal: pvc,
        outcome: outcome(undefined, { metadata: { name: "data", uid: "u1" } }),
        current: undefined,
      }).kind,
    ).toBe("none");
    const restart = { ...raise, action: "rollout-restart", params: {} } as RemediationProposal;
    const noRevision = deployment();
    delete noRevision.metadata.annotations;
    expect(
      planRollback({ proposal: restart, outcome: outcome(noRevision, noRevision), current: noRevision }),
    ).toEqual({
      kind: "none",
      reason: "a restart cannot be undone (the pods were replaced); nothing to roll back",
    });
  });
});
