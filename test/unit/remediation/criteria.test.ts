import { describe, expect, it } from "vitest";
import type { RemediationAction } from "../../../src/domain/actions.js";
import type { Pod, Workload } from "../../../src/domain/kube.js";
import { evaluate } from "../../../src/remediation/criteria.js";

const ready = (name: string): Pod => ({
  kind: "Pod",
  metadata: { name, labels: { app: "x" } },
  spec: { containers: [{ name: "c", image: "x:2" }] },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [] },
});

const workload = (kind: Workload["kind"], status: Workload["status"], replicas = 2): Workload => ({
  kind,
  metadata: { name: "x", namespace: "ns", generation: 5 },
  spec: { replicas, template: { spec: { containers: [] } } },
  status: { observedGeneration: 5, ...status },
});

const restart = (kind: "StatefulSet" | "DaemonSet" | "Deployment"): RemediationAction => ({
  action: "rollout-restart",
  target: { kind, namespace: "ns", name: "x" },
  params: {},
});

const rollout = (action: RemediationAction, target: Workload, pods = [ready("x-0"), ready("x-1")]) =>
  evaluate(action, { target, pods, warnings: [] }).find((check) => check.name === "rollout");

describe("rollout criteria per workload kind", () => {
  it("StatefulSet: updated and ready replicas as desired", () => {
    expect(
      rollout(
        restart("StatefulSet"),
        workload("StatefulSet", { replicas: 2, updatedReplicas: 2, readyReplicas: 2 }),
      )?.ok,
    ).toBe(true);
    expect(
      rollout(
        restart("StatefulSet"),
        workload("StatefulSet", { replicas: 2, updatedReplicas: 1, readyReplicas: 2 }),
      ),
    ).toEqual({
      name: "rollout",
      ok: false,
      detail: "rollout of StatefulSet ns/x: 1/2 updated, 2/2 available, 2 total",
    });
  });

  it("DaemonSet: every scheduled pod updated and ready", () => {
    const done = workload("DaemonSet", {
      desiredNumberScheduled: 3,
      numberReady: 3,
      updatedNumberScheduled: 3,
    });
    expect(rollout(restart("DaemonSet"), done)?.ok).toBe(true);
    const pending = workload("DaemonSet", {
      desiredNumberScheduled: 3,
      numberReady: 3,
      updatedNumberScheduled: 1,
    });
    expect(rollout(restart("DaemonSet"), pending)?.detail).toBe(
      "rollout of DaemonSet ns/x: 3/3 ready, 1 updated",
    );
  });

  it("waits until the controller observed the change", () => {
    const stale = workload("Deployment", {
      observedGeneration: 4,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
    });
    expect(rollout(restart("Deployment"), stale)).toEqual({
      name: "rollout",
      ok: false,
      detail: "the controller has not yet observed the change to Deployment ns/x",
    });
  });

  it("scale to zero is done when no pods are left", () => {
    const scale: RemediationAction = {
      action: "scale",
      target: { kind: "Deployment", namespace: "ns", name: "x" },
      params: { replicas: 0 },
    };
    const target = workload("Deployment", { replicas: 0, updatedReplicas: 0, availableReplicas: 0 }, 0);
    expect(evaluate(scale, { target, pods: [], warnings: [] }).every((check) => check.ok)).toBe(true);
    expect(
      evaluate(scale, { target, pods: [ready("x-0")], warnings: [] }).find((c) => c.name === "pods-ready"),
    ).toEqual({
      name: "pods-ready",
      ok: false,
      detail: "1 pods of Deployment ns/x left (0 wanted)",
    });
  });

  it("set-image: every pod runs the new image", () => {
    const action: RemediationAction = {
      action: "set-image",
      target: { kind: "Deployment", namespace: "ns", name: "x" },
      params: { container: "c", image: "x:3" },
    };
    const target = workload("Deployment", { replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    expect(
      evaluate(action, { target, pods: [ready("x-0"), ready("x-1")], warnings: [] }).find(
        (c) => c.name === "image",
      ),
    ).toEqual({
      name: "image",
      ok: false,
      detail: "still on another image: x-0, x-1",
    });
  });
});
