import { describe, expect, it } from "vitest";
import type { KubeObject, ResourceQuota, Workload } from "../../../src/domain/kube.js";
import { cluster, deployment, patchDeployment, podsOf } from "./fixtures.js";

const quota: KubeObject = {
  apiVersion: "v1",
  kind: "ResourceQuota",
  metadata: { name: "compute-quota", namespace: "default" },
  spec: { hard: { "limits.memory": "4Gi", pods: "10" } },
};

const worker = (replicas: number) =>
  deployment("worker", {
    replicas,
    container: { resources: { requests: { memory: "512Mi" }, limits: { memory: "1Gi" } } },
  });

describe("resource quota", () => {
  it("refuses pods over the quota: ReplicaFailure on the ReplicaSet and FailedCreate", () => {
    const view = cluster([quota, worker(5)]);
    expect(podsOf(view, "worker")).toHaveLength(4);
    const rs = view.list("ReplicaSet")[0] as Workload;
    const failure = rs.status?.conditions?.find((condition) => condition.type === "ReplicaFailure");
    expect(failure).toMatchObject({ status: "True", reason: "FailedCreate" });
    expect(failure?.message).toMatch(
      /^pods "worker-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: compute-quota, requested: limits\.memory=1Gi, used: limits\.memory=4Gi, limited: limits\.memory=4Gi$/,
    );
    const event = view.eventsFor(rs.metadata.name ?? "", "FailedCreate")[0];
    expect(event).toMatchObject({ type: "Warning", source: { component: "replicaset-controller" } });
    expect(event?.message).toBe(`Error creating: ${failure?.message}`);
    const deploymentStatus = (view.get("Deployment", "default", "worker") as Workload).status;
    expect(deploymentStatus?.conditions?.some((condition) => condition.type === "ReplicaFailure")).toBe(true);
    const used = (view.get("ResourceQuota", "default", "compute-quota") as ResourceQuota).status?.used;
    expect(used).toEqual({ "limits.memory": "4Gi", pods: "4" });
  });

  it("requires declared limits when the quota constrains them", () => {
    const view = cluster([quota, deployment("bare")]);
    const rs = view.list("ReplicaSet")[0] as Workload;
    expect(rs.status?.conditions?.[0]?.message).toMatch(
      /is forbidden: failed quota: compute-quota: must specify limits\.memory$/,
    );
  });

  it("clears the failure when scaled within the quota", () => {
    const view = cluster([quota, worker(5)]);
    patchDeployment(view, "default", "worker", (current) => {
      current.spec.replicas = 4;
    });
    const rs = view.list("ReplicaSet")[0] as Workload;
    expect(rs.status?.conditions).toBeUndefined();
  });

  it("frees quota of deleted pods for the next pass of the same reconcile", () => {
    const tight: KubeObject = { ...quota, spec: { hard: { pods: "2" } } };
    const view = cluster([tight, deployment("db", { replicas: 2, spec: {} })]);
    patchDeployment(view, "default", "db", (current) => {
      current.spec.strategy = { type: "Recreate" };
      current.spec.template.spec.containers[0]!.image = "ghcr.io/acme/db:2.0.0";
    });
    const pods = podsOf(view, "db");
    expect(pods).toHaveLength(2);
    expect(pods.every((pod) => pod.spec.containers[0]?.image === "ghcr.io/acme/db:2.0.0")).toBe(true);
  });
});
