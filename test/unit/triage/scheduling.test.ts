import { describe, expect, it } from "vitest";
import { triage } from "../../../src/triage/index.js";
import { app, event, node, snapshot } from "../../fixtures/triage/builders.js";
import { evidenceHas, onlyCause } from "./helpers.js";

describe("unschedulable-resources", () => {
  it("quotes the scheduler and the pod's requests", () => {
    const big = app("big", {
      unschedulable:
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory.",
      container: { resources: { requests: { memory: "64Gi", cpu: "2" } } },
    });
    const { cause } = onlyCause(snapshot("default", big.part), "unschedulable-resources");
    expect(cause.summary).toContain("Insufficient memory");
    expect(evidenceHas(cause, "2 Insufficient memory")).toBe(true);
    expect(evidenceHas(cause, "memory 64Gi")).toBe(true);
  });
});

describe("unschedulable-constraints", () => {
  it("a nodeSelector no node satisfies", () => {
    const gpu = app("trainer", {
      unschedulable: "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
      nodeSelector: { accelerator: "a100" },
    });
    const ev = event(
      gpu.pods[0]!,
      "FailedScheduling",
      "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
    );
    const { cause, result } = onlyCause(
      snapshot("default", gpu.part, { nodes: [node("n1"), node("n2")], events: [ev] }),
      "unschedulable-constraints",
    );
    expect(evidenceHas(cause, "nodeSelector accelerator=a100 matches 0 of 2 nodes")).toBe(true);
    expect(result.rootCauses.map((c) => c.category)).not.toContain("unschedulable-resources");
  });

  it("taints no toleration matches", () => {
    const msg =
      "0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    const web = app("web", { unschedulable: msg });
    const { cause } = onlyCause(snapshot("default", web.part), "unschedulable-constraints");
    expect(cause.summary).toContain("untolerated taint");
    expect(evidenceHas(cause, "had untolerated taint {dedicated: gpu}")).toBe(true);
  });

  it("PVC problems in the scheduler message belong to the storage checks", () => {
    const db = app("db", {
      unschedulable: '0/1 nodes are available: persistentvolumeclaim "data" not found.',
      volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }],
    });
    expect(triage(snapshot("default", db.part)).rootCauses.map((c) => c.category)).toEqual(["missing-pvc"]);
  });
});
