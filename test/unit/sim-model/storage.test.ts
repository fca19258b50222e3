import { describe, expect, it } from "vitest";
import type { KubeObject, PersistentVolumeClaim } from "../../../src/domain/kube.js";
import { cluster, deployment, isReady, podOf, reconcile } from "./fixtures.js";

function claim(name: string, storageClassName?: string, size = "10Gi"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: "default" },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: size } },
      ...(storageClassName ? { storageClassName } : {}),
    },
  };
}

const postgres = () =>
  deployment("postgres", {
    spec: { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "postgres-pvc" } }] },
  });

describe("volumes", () => {
  it("leaves a claim of a missing StorageClass Pending with ProvisioningFailed, and its pods unbound", () => {
    const view = cluster([claim("postgres-pvc", "fast-ssd"), postgres()]);
    const pvc = view.get("PersistentVolumeClaim", "default", "postgres-pvc") as PersistentVolumeClaim;
    expect(pvc.status?.phase).toBe("Pending");
    expect(view.eventsFor("postgres-pvc", "ProvisioningFailed")[0]).toMatchObject({
      type: "Warning",
      message: 'storageclass.storage.k8s.io "fast-ssd" not found',
      source: { component: "persistentvolume-controller" },
    });
    const pod = podOf(view, "postgres");
    expect(pod.status?.conditions?.[0]?.message).toBe(
      "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    );
  });

  it("binds a WaitForFirstConsumer claim once its pod is scheduled, creating the PV", () => {
    const view = cluster([claim("postgres-pvc"), postgres()]);
    const pvc = view.get("PersistentVolumeClaim", "default", "postgres-pvc") as PersistentVolumeClaim;
    expect(pvc.spec?.storageClassName).toBe("standard");
    expect(pvc.status?.phase).toBe("Bound");
    expect(pvc.metadata.annotations?.["volume.kubernetes.io/selected-node"]).toBe("node-1");
    const pv = view.get("PersistentVolume", "", pvc.spec?.volumeName ?? "");
    expect(pv).toMatchObject({
      spec: {
        capacity: { storage: "10Gi" },
        claimRef: { name: "postgres-pvc" },
        storageClassName: "standard",
      },
    });
    expect(isReady(podOf(view, "postgres"))).toBe(true);
  });

  it("keeps an unused WaitForFirstConsumer claim Pending", () => {
    const view = cluster([claim("spare")]);
    expect(
      (view.get("PersistentVolumeClaim", "default", "spare") as PersistentVolumeClaim).status?.phase,
    ).toBe("Pending");
    expect(view.eventsFor("spare", "WaitForFirstConsumer")).toHaveLength(1);
  });

  it("heals the pod when the missing claim is created", () => {
    const view = cluster([postgres()]);
    const stuck = podOf(view, "postgres");
    expect(stuck.status?.phase).toBe("Pending");
    view.upsert(claim("postgres-pvc", "standard"));
    reconcile(view);
    const pod = podOf(view, "postgres");
    expect(pod.metadata.name).toBe(stuck.metadata.name);
    expect(pod.spec.nodeName).toBe("node-1");
    expect(pod.status?.phase).toBe("Running");
    expect(isReady(pod)).toBe(true);
    expect(view.eventsFor(pod.metadata.name ?? "", "Scheduled")).toHaveLength(1);
  });

  it("does not heal when the created claim names a missing StorageClass", () => {
    const view = cluster([postgres()]);
    view.upsert(claim("postgres-pvc", "premium"));
    reconcile(view, 120);
    const pod = podOf(view, "postgres");
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.status?.conditions?.[0]?.message).toContain(
      "pod has unbound immediate PersistentVolumeClaims",
    );
  });
});
