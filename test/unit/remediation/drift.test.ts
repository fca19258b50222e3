import { describe, expect, it } from "vitest";
import type { RemediationAction } from "../../../src/domain/actions.js";
import { detectDrift, preconditionsFor } from "../../../src/remediation/preconditions.js";
import { deployment } from "./fixtures.js";

const action: RemediationAction = {
  action: "set-resources",
  target: { kind: "Deployment", namespace: "prod-api", name: "analytics-service" },
  params: { container: "app", limits: { memory: "256Mi" } },
};

describe("detectDrift", () => {
  const preconditions = preconditionsFor(action, deployment());

  it("finds none when nothing changed", () => {
    expect(detectDrift(action, preconditions, deployment())).toEqual([]);
  });

  it("ignores a resourceVersion bump that leaves the checked fields alone", () => {
    const current = deployment({ rv: "101" });
    current.spec.replicas = 5;
    expect(detectDrift(action, preconditions, current)).toEqual([]);
  });

  it("reports a concurrent change of a checked field", () => {
    const current = deployment({ rv: "101" });
    const container = current.spec.template.spec.containers[0];
    if (container?.resources?.limits) container.resources.limits.memory = "128Mi";
    expect(detectDrift(action, preconditions, current)).toEqual([
      "spec.template.spec.containers[name=app].resources.limits.memory is 128Mi, the proposal expected 64Mi",
    ]);
  });

  it("reports a delete-and-recreate (new uid) and a deleted target", () => {
    const current = deployment({ rv: "5" });
    current.metadata.uid = "uid-new";
    expect(detectDrift(action, preconditions, current)).toEqual([
      "metadata.uid is uid-new, the proposal expected uid-dep",
    ]);
    expect(detectDrift(action, preconditions, undefined)).toEqual([
      "Deployment prod-api/analytics-service no longer exists",
    ]);
  });

  it("reports a container that disappeared", () => {
    const current = deployment({ rv: "101" });
    current.spec.template.spec.containers = current.spec.template.spec.containers.slice(1);
    expect(detectDrift(action, preconditions, current)[0]).toContain("is unset, the proposal expected 64Mi");
  });

  it("reports a must-not-exist target that now exists", () => {
    const pvc: RemediationAction = {
      action: "create-pvc",
      target: { kind: "PersistentVolumeClaim", namespace: "a-team", name: "data" },
      params: { storageClassName: "standard", size: "1Gi", accessModes: ["ReadWriteOnce"] },
    };
    const current = { kind: "PersistentVolumeClaim", metadata: { name: "data", namespace: "a-team" } };
    expect(detectDrift(pvc, { mustNotExist: true }, current)).toEqual([
      "PersistentVolumeClaim a-team/data now exists (the proposal creates it, so it must not exist)",
    ]);
    expect(detectDrift(pvc, { mustNotExist: true }, undefined)).toEqual([]);
  });

  it("treats a changed object with no fields to compare, or no preconditions at all, as drift", () => {
    expect(detectDrift(action, { resourceVersion: "100" }, deployment({ rv: "101" }))[0]).toContain(
      "names no fields to compare",
    );
    expect(detectDrift(action, {}, deployment())[0]).toContain("carries no preconditions");
  });

  it("compares the revision and generation for a rollback", () => {
    const rollback: RemediationAction = {
      action: "rollback",
      target: { kind: "Deployment", namespace: "prod-api", name: "analytics-service" },
      params: { toRevision: 2 },
    };
    const pre = preconditionsFor(rollback, deployment());
    expect(detectDrift(rollback, pre, deployment({ rv: "120", revision: "4", generation: 4 }))).toEqual([
      "metadata.generation is 4, the proposal expected 3",
      'metadata.annotations["deployment.kubernetes.io/revision"] is 4, the proposal expected 3',
    ]);
  });
});
