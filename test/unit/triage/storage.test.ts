import { describe, expect, it } from "vitest";
import { triage } from "../../../src/triage/index.js";
import { app, event, pvc, snapshot, storageClass } from "../../fixtures/triage/builders.js";
import { evidenceHas, expectValidProposals, onlyCause } from "./helpers.js";

function postgres(namespace = "a-team") {
  return app("postgres-db", {
    namespace,
    unschedulable:
      '0/3 nodes are available: persistentvolumeclaim "postgres-pvc" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    volumes: [{ name: "data", persistentVolumeClaim: { claimName: "postgres-pvc" } }],
  });
}

describe("missing-pvc", () => {
  it("names the missing claim and proposes create-pvc with the default StorageClass", () => {
    const db = postgres();
    const ev = event(
      db.pods[0]!,
      "FailedScheduling",
      '0/3 nodes are available: persistentvolumeclaim "postgres-pvc" not found.',
      { count: 9 },
    );
    const { cause, result } = onlyCause(
      snapshot("a-team", db.part, {
        events: [ev],
        storageClasses: [storageClass("fast"), storageClass("standard", true)],
      }),
      "missing-pvc",
    );
    expect(cause.resource).toEqual({ kind: "Deployment", namespace: "a-team", name: "postgres-db" });
    expect(cause.summary).toContain("postgres-pvc");
    expect(evidenceHas(cause, 'persistentvolumeclaim "postgres-pvc" not found')).toBe(true);
    expect(cause.confidence).toBe(0.95);
    const proposal = result.remediations.find((r) => r.action === "create-pvc");
    expect(proposal).toMatchObject({
      id: "create-pvc:a-team/postgres-pvc",
      target: { kind: "PersistentVolumeClaim", namespace: "a-team", name: "postgres-pvc" },
      params: { storageClassName: "standard", size: "1Gi", accessModes: ["ReadWriteOnce"] },
      risk: "low",
      preconditions: { mustNotExist: true },
      rootCauseId: cause.id,
    });
    expect(proposal?.summary).toContain("1Gi default");
    expect(proposal?.summary).toContain("EMPTY");
    expectValidProposals(result);
  });

  it("sizes the claim like the namespace's other claims (most common, ties to the larger)", () => {
    const db = postgres();
    const claims = [
      pvc("a", { namespace: "a-team", size: "10Gi" }),
      pvc("b", { namespace: "a-team", size: "10Gi" }),
      pvc("c", { namespace: "a-team", size: "20Gi" }),
    ];
    const result = triage(
      snapshot("a-team", db.part, {
        persistentVolumeClaims: claims,
        storageClasses: [storageClass("standard", true)],
      }),
    );
    const proposal = result.remediations.find((r) => r.action === "create-pvc");
    expect(proposal?.params).toMatchObject({ size: "10Gi" });
    expect(proposal?.summary).toContain("most common request");
    const tie = triage(
      snapshot("a-team", postgres().part, {
        persistentVolumeClaims: [
          pvc("a", { namespace: "a-team", size: "5Gi" }),
          pvc("b", { namespace: "a-team", size: "50Gi" }),
        ],
        storageClasses: [storageClass("standard", true)],
      }),
    );
    expect(tie.remediations[0]?.params).toMatchObject({ size: "50Gi" });
  });

  it("prefers the capacity of the Released volume that backed the claim", () => {
    const pv = {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: "pv-1" },
      spec: {
        capacity: { storage: "8Gi" },
        accessModes: ["ReadWriteOnce"],
        claimRef: { namespace: "a-team", name: "postgres-pvc" },
      },
      status: { phase: "Released" },
    };
    const result = triage(
      snapshot("a-team", postgres().part, {
        persistentVolumes: [pv],
        storageClasses: [storageClass("standard", true)],
      }),
    );
    expect(result.remediations[0]?.params).toMatchObject({ size: "8Gi" });
    expect(result.remediations[0]?.summary).toContain("pv-1");
  });

  it("proposes nothing when no StorageClass can be chosen without guessing", () => {
    const result = triage(
      snapshot("a-team", postgres().part, { storageClasses: [storageClass("a"), storageClass("b")] }),
    );
    expect(result.rootCauses[0]?.category).toBe("missing-pvc");
    expect(result.remediations).toEqual([]);
  });

  it("is found from the spec alone (claim absent from the snapshot) with lower confidence", () => {
    const db = app("db", {
      phase: "Pending",
      state: { waiting: "ContainerCreating" },
      volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }],
    });
    const { cause } = onlyCause(snapshot("default", db.part), "missing-pvc");
    expect(cause.confidence).toBe(0.85);
  });
});

describe("pvc-pending", () => {
  it("a claim that names no StorageClass in a cluster without a default one", () => {
    const db = app("db", {
      phase: "Pending",
      state: { waiting: "ContainerCreating" },
      volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }],
    });
    const claim = pvc("data", { phase: "Pending" });
    const { cause } = onlyCause(
      snapshot("default", db.part, {
        persistentVolumeClaims: [claim],
        storageClasses: [storageClass("slow")],
      }),
      "pvc-pending",
    );
    expect(cause.summary).toContain("names no StorageClass and the cluster has no default StorageClass");
    expect(cause.confidence).toBe(0.9);
  });

  it("a Bound claim is not a problem", () => {
    const db = app("db", { volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }] });
    expect(
      triage(snapshot("default", db.part, { persistentVolumeClaims: [pvc("data")] })).rootCauses,
    ).toEqual([]);
  });

  it("a claim that names a StorageClass that does not exist", () => {
    const db = app("db", {
      unschedulable: "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.",
      volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }],
    });
    const claim = pvc("data", { phase: "Pending", storageClassName: "fast-ssd" });
    const ev = event(claim, "ProvisioningFailed", 'storageclass.storage.k8s.io "fast-ssd" not found', {
      kind: "PersistentVolumeClaim",
    });
    const { cause, result } = onlyCause(
      snapshot("default", db.part, {
        persistentVolumeClaims: [claim],
        storageClasses: [storageClass("standard", true)],
        events: [ev],
      }),
      "pvc-pending",
    );
    expect(cause.summary).toContain("StorageClass fast-ssd does not exist");
    expect(evidenceHas(cause, 'storageclass.storage.k8s.io "fast-ssd" not found')).toBe(true);
    expect(result.rootCauses.map((c) => c.category)).toEqual(["pvc-pending"]);
  });
});
