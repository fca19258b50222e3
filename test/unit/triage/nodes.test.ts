import { describe, expect, it } from "vitest";
import { parseReadyz } from "../../../src/triage/control-plane.js";
import { triage } from "../../../src/triage/index.js";
import { app, node, snapshot } from "../../fixtures/triage/builders.js";
import { evidenceHas, expectValidProposals, onlyCause } from "./helpers.js";

describe("control plane (readyz)", () => {
  it("healthy, degraded, unhealthy, unknown", () => {
    expect(
      parseReadyz("[+]ping ok\n[+]etcd ok\n[+]poststarthook/start-informers ok\nreadyz check passed\n"),
    ).toMatchObject({ status: "healthy" });
    expect(
      parseReadyz(
        "[+]ping ok\n[+]etcd ok\n[-]poststarthook/rbac/bootstrap-roles failed: reason withheld\nreadyz check failed\n",
      ),
    ).toMatchObject({
      status: "degraded",
      failing: ["poststarthook/rbac/bootstrap-roles"],
    });
    expect(parseReadyz("[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n")).toMatchObject({
      status: "unhealthy",
      failing: ["etcd"],
    });
    expect(parseReadyz("[-]ping failed: reason withheld\n")).toMatchObject({ status: "unhealthy" });
    expect(parseReadyz("readyz check failed\n")).toMatchObject({ status: "unhealthy" });
    expect(parseReadyz(undefined)).toMatchObject({ status: "unknown" });
    expect(parseReadyz("")).toMatchObject({ status: "unknown" });
  });

  it("an unhealthy control plane is a cluster-wide P1 cause quoting the failing check", () => {
    const snap = snapshot("default", app("web").part, {
      readyz: "[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n",
    });
    const { cause, result } = onlyCause(snap, "control-plane-degraded");
    expect(result.controlPlane).toEqual({ status: "unhealthy", failing: ["etcd"] });
    expect(evidenceHas(cause, "[-]etcd failed: reason withheld")).toBe(true);
    expect(result.blastRadius).toBe("cluster-wide");
    expect(result.severity).toBe("P1");
    expect(result.symptoms).toContainEqual({
      class: "control-plane-degraded",
      resources: [{ kind: "APIServer", namespace: "", name: "kube-apiserver" }],
    });
  });

  it("no readyz body: unknown, and not a root cause", () => {
    const snap = snapshot("default", app("web").part);
    delete snap.readyz;
    const result = triage(snap);
    expect(result.controlPlane.status).toBe("unknown");
    expect(result.rootCauses).toEqual([]);
  });
});

describe("node-not-ready", () => {
  it("is cluster-wide, and proposes deleting ReplicaSet pods on the node but not StatefulSet pods", () => {
    const web = app("web", { replicas: 2, nodeName: "node-2", state: { running: true, ready: false } });
    const db = app("db", { kind: "StatefulSet", nodeName: "node-2", state: { running: true, ready: false } });
    const snap = snapshot("default", web.part, db.part, {
      nodes: [
        node("node-1"),
        node("node-2", {
          ready: "Unknown",
          taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }],
        }),
      ],
    });
    const { cause, result } = onlyCause(snap, "node-not-ready");
    expect(cause.resource).toEqual({ kind: "Node", namespace: "", name: "node-2" });
    expect(evidenceHas(cause, "Ready=Unknown NodeStatusUnknown: Kubelet stopped posting node status.")).toBe(
      true,
    );
    expect(result.blastRadius).toBe("cluster-wide");
    const deletions = result.remediations.filter((r) => r.action === "delete-pod");
    expect(deletions.map((r) => r.target.name).sort()).toEqual(web.pods.map((p) => p.metadata.name).sort());
    expect(
      deletions.every((r) => r.risk === "low" && r.preconditions.expected?.["spec.nodeName"] === "node-2"),
    ).toBe(true);
    expect(cause.nextSteps.join("\n")).toContain("default/db-0");
    expect(cause.commands).toContain(
      "kubectl -n default delete pod db-0 --grace-period=0 --force   # only once node-2 is confirmed down",
    );
    expectValidProposals(result);
  });

  it("a NotReady node hosting nothing of the namespace is not this namespace's cause", () => {
    const snap = snapshot("default", app("web", { nodeName: "node-1" }).part, {
      nodes: [node("node-1"), node("node-9", { ready: "False" })],
    });
    expect(triage(snap).rootCauses).toEqual([]);
    expect(triage({ ...snap, scope: { allNamespaces: true } }, {}).rootCauses.map((c) => c.category)).toEqual(
      ["node-not-ready"],
    );
  });
});

describe("node-pressure", () => {
  it("memory pressure with the pods it evicted", () => {
    const web = app("web", { nodeName: "node-1" });
    const evicted = structuredClone(web.pods[0]!);
    evicted.metadata.name = "web-evicted";
    evicted.status = {
      phase: "Failed",
      reason: "Evicted",
      message: "The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi.",
    };
    const snap = snapshot("default", web.part, {
      pods: [evicted],
      nodes: [node("node-1", { pressure: ["MemoryPressure"] })],
    });
    const { cause } = onlyCause(snap, "node-pressure");
    expect(cause.summary).toContain("MemoryPressure");
    expect(evidenceHas(cause, "The node was low on resource: memory.")).toBe(true);
  });
});
