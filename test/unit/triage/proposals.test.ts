import { describe, expect, it } from "vitest";
import type { RemediationAction } from "../../../src/domain/actions.js";
import { actionRisk } from "../../../src/domain/risk.js";
import { triage } from "../../../src/triage/index.js";
import { chooseRollback } from "../../../src/triage/proposals/rollback.js";
import { raisedMemoryLimit } from "../../../src/triage/proposals/set-resources.js";
import { formatMemory, parseQuantity } from "../../../src/triage/quantity.js";
import { app, crashLoop, event, oldReplicaSet, quota, snapshot } from "../../fixtures/triage/builders.js";
import { expectValidProposals } from "./helpers.js";

describe("quantities", () => {
  it("parses and prints memory sizes", () => {
    expect(parseQuantity("128Mi")).toBe(128 * 2 ** 20);
    expect(parseQuantity("1G")).toBe(1e9);
    expect(parseQuantity("1.5Gi")).toBe(1.5 * 2 ** 30);
    expect(parseQuantity("250m")).toBe(0.25);
    expect(parseQuantity("1e3")).toBe(1000);
    expect(parseQuantity("12 apples")).toBeUndefined();
    expect(formatMemory(2 ** 31)).toBe("2Gi");
    expect(formatMemory(3 * 2 ** 29)).toBe("1536Mi");
    expect(formatMemory(1000)).toBe("1Mi");
  });
});

describe("OOM memory raise", () => {
  it("doubles the limit, caps at 8Gi, and refuses to grow past the cap", () => {
    expect(raisedMemoryLimit("128Mi")).toBe("256Mi");
    expect(raisedMemoryLimit("3Gi")).toBe("6Gi");
    expect(raisedMemoryLimit("5Gi")).toBe("8Gi");
    expect(raisedMemoryLimit("8Gi")).toBeUndefined();
    expect(raisedMemoryLimit("500M")).toBe("954Mi");
    expect(raisedMemoryLimit(undefined)).toBeUndefined();
  });

  it("proposes set-resources with the exact change and the values it expects to find", () => {
    const a = app("analytics", {
      namespace: "prod-api",
      state: crashLoop(137, "OOMKilled"),
      container: { resources: { requests: { memory: "100Mi" }, limits: { memory: "128Mi" } } },
    });
    const result = triage(snapshot("prod-api", a.part));
    expect(result.remediations).toEqual([
      expect.objectContaining({
        id: "set-resources:prod-api/analytics",
        action: "set-resources",
        target: { kind: "Deployment", namespace: "prod-api", name: "analytics" },
        params: { container: "analytics", limits: { memory: "256Mi" } },
        risk: "medium",
        change: "spec.template.spec.containers[analytics].resources.limits.memory: 128Mi -> 256Mi",
        preconditions: {
          resourceVersion: "1001",
          expected: {
            "spec.template.spec.containers[analytics].resources.limits.memory": "128Mi",
            "spec.template.spec.containers[analytics].resources.requests.memory": "100Mi",
          },
        },
      }),
    ]);
    expectValidProposals(result);
  });

  it("no raise that the namespace quota would refuse (the rollout would hang), and says so", () => {
    const a = app("analytics", {
      namespace: "team",
      replicas: 2,
      state: crashLoop(137, "OOMKilled"),
      container: { resources: { limits: { memory: "1Gi" } } },
    });
    const tight = quota("mem", { "limits.memory": "3Gi" }, { "limits.memory": "2Gi" }, "team");
    const result = triage(snapshot("team", a.part, { resourceQuotas: [tight] }));
    expect(result.remediations).toEqual([]);
    const cause = result.rootCauses[0]!;
    expect(cause.evidence).toContain(
      "ResourceQuota team/mem: limits.memory 2Gi/3Gi used; raising the limit adds 2048Mi",
    );
    expect(cause.nextSteps[0]).toContain("would exceed ResourceQuota mem");
    const roomy = quota("mem", { "limits.memory": "8Gi" }, { "limits.memory": "2Gi" }, "team");
    expect(
      triage(snapshot("team", a.part, { resourceQuotas: [roomy] })).remediations.map((r) => r.action),
    ).toEqual(["set-resources"]);
  });

  it("no automatic proposal at the cap or without a limit", () => {
    const capped = app("big", {
      state: crashLoop(137, "OOMKilled"),
      container: { resources: { limits: { memory: "8Gi" } } },
    });
    const unlimited = app("free", { state: crashLoop(137, "OOMKilled") });
    const result = triage(snapshot("default", capped.part, unlimited.part));
    expect(result.rootCauses.map((c) => c.category)).toEqual(["oom-killed", "oom-killed"]);
    expect(result.remediations).toEqual([]);
    expect(result.rootCauses.find((c) => c.resource.name === "free")?.summary).toContain("no memory limit");
  });
});

describe("rollback revision choice", () => {
  const failing = { web: "registry/web:3" };
  it("prefers an older revision that still has ready pods, else the newest older one; never the failing image", () => {
    const web = app("web", { revision: 5, image: "registry/web:3" });
    const r4 = oldReplicaSet(web.workload, 4, "registry/web:3");
    const r3 = oldReplicaSet(web.workload, 3, "registry/web:2");
    const r2 = oldReplicaSet(web.workload, 2, "registry/web:1", 2);
    expect(chooseRollback([web.replicaSet!, r4, r3, r2], failing)?.revision).toBe(2);
    r2.status = { replicas: 0, readyReplicas: 0 };
    expect(chooseRollback([web.replicaSet!, r4, r3, r2], failing)?.revision).toBe(3);
    expect(chooseRollback([web.replicaSet!, r4], failing)).toBeUndefined();
  });

  it("an image pull failure after a rollout proposes rollback with toRevision and the image it restores", () => {
    const web = app("web", {
      namespace: "shop",
      revision: 2,
      image: "registry/web:2",
      state: { waiting: "ImagePullBackOff", message: 'Back-off pulling image "registry/web:2"' },
    });
    const previous = oldReplicaSet(web.workload, 1, "registry/web:1");
    const result = triage(
      snapshot("shop", web.part, {
        replicaSets: [previous],
        events: [event(web.pods[0]!, "Failed", 'Failed to pull image "registry/web:2": not found')],
      }),
    );
    expect(result.remediations).toEqual([
      expect.objectContaining({
        id: "rollback:shop/web",
        params: { toRevision: 1 },
        risk: "medium",
        // Every field the template replacement changes; here only the image differs.
        change: "spec.template.spec.containers[web].image: registry/web:2 -> registry/web:1",
        preconditions: {
          resourceVersion: "1001",
          expected: { "spec.template.spec.containers[web].image": "registry/web:2" },
          templateDiff: ["spec.template.spec.containers[web].image: registry/web:2 -> registry/web:1"],
        },
      }),
    ]);
    expectValidProposals(result);
  });

  it("no rollback to an image on a registry that does not resolve (it would fail the same way)", () => {
    const web = app("web", {
      revision: 3,
      image: "company-registry.io/web:3",
      state: { waiting: "ImagePullBackOff" },
    });
    const sameRegistry = oldReplicaSet(web.workload, 2, "company-registry.io/web:2");
    const elsewhere = oldReplicaSet(web.workload, 1, "ghcr.io/acme/web:1");
    const dns = event(
      web.pods[0]!,
      "Failed",
      'Failed to pull image "company-registry.io/web:3": dial tcp: lookup company-registry.io on 10.96.0.10:53: no such host',
    );
    const result = triage(
      snapshot("default", web.part, { replicaSets: [sameRegistry, elsewhere], events: [dns] }),
    );
    expect(result.remediations[0]?.params).toEqual({ toRevision: 1 });
    const onlySame = triage(snapshot("default", web.part, { replicaSets: [sameRegistry], events: [dns] }));
    expect(onlySame.remediations).toEqual([]);
  });

  it("no rollback without an earlier revision", () => {
    const web = app("web", { state: { waiting: "ImagePullBackOff" } });
    expect(triage(snapshot("default", web.part)).remediations).toEqual([]);
  });
});

describe("risk rules", () => {
  const target = { kind: "Deployment" as const, namespace: "a", name: "web" };
  const cases: [RemediationAction, string][] = [
    [
      {
        action: "create-pvc",
        target: { kind: "PersistentVolumeClaim", namespace: "a", name: "d" },
        params: { storageClassName: "s", size: "1Gi", accessModes: ["ReadWriteOnce"] },
      },
      "low",
    ],
    [{ action: "set-resources", target, params: { container: "web" } }, "medium"],
    [{ action: "rollback", target, params: { toRevision: 1 } }, "medium"],
    [{ action: "rollout-restart", target, params: {} }, "medium"],
    [
      {
        action: "patch-workload",
        target,
        params: { container: "web", field: "livenessProbe.timeoutSeconds", value: 5 },
      },
      "medium",
    ],
    [{ action: "scale", target, params: { replicas: 2 } }, "medium"],
    [{ action: "scale", target, params: { replicas: 0 } }, "high"],
    [{ action: "set-image", target, params: { container: "web", image: "x:1" } }, "high"],
    [{ action: "delete-pod", target: { kind: "Pod", namespace: "a", name: "p" }, params: {} }, "high"],
  ];
  it.each(cases)("%o is %s", (action, risk) => {
    expect(actionRisk(action)).toBe(risk);
  });
  it("deleting a controller-owned pod is low", () => {
    expect(
      actionRisk(
        { action: "delete-pod", target: { kind: "Pod", namespace: "a", name: "p" }, params: {} },
        { podOwnedByController: true },
      ),
    ).toBe("low");
  });
});
