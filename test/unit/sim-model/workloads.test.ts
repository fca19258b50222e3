import { describe, expect, it } from "vitest";
import type { Job, KubeObject, PersistentVolumeClaim, Workload } from "../../../src/domain/kube.js";
import { cluster, isReady, namespace, node, podsOf, reconcile, storageClass } from "./fixtures.js";

function statefulSet(name: string, replicas: number, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: "default" },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, ...(annotations ? { annotations } : {}) },
        spec: {
          containers: [
            { name, image: `ghcr.io/acme/${name}:1`, volumeMounts: [{ name: "data", mountPath: "/data" }] },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      ],
    },
  };
}

function job(name: string, annotations: Record<string, string>, backoffLimit = 3): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: "default" },
    spec: {
      backoffLimit,
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { restartPolicy: "Never", containers: [{ name, image: "ghcr.io/acme/migrate:1" }] },
      },
    },
  };
}

describe("other workloads", () => {
  it("creates StatefulSet pods in order with their claims", () => {
    const view = cluster([statefulSet("db", 3)]);
    const pods = podsOf(view, "db");
    expect(pods.map((pod) => pod.metadata.name)).toEqual(["db-0", "db-1", "db-2"]);
    expect(pods.every(isReady)).toBe(true);
    const claim = view.get("PersistentVolumeClaim", "default", "data-db-1") as PersistentVolumeClaim;
    expect(claim.status?.phase).toBe("Bound");
    expect((view.get("StatefulSet", "default", "db") as Workload).status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
    });
  });

  it("stops an OrderedReady StatefulSet at the first pod that is not ready", () => {
    const view = cluster([statefulSet("db", 3, { "triage.sim/missing-images": "ghcr.io/acme/db:1" })]);
    reconcile(view, 60);
    expect(podsOf(view, "db").map((pod) => pod.metadata.name)).toEqual(["db-0"]);
  });

  it("fails a Job with BackoffLimitExceeded after backoffLimit+1 failed pods", () => {
    const view = cluster([
      job("migrate", { "triage.sim/exit-code": "2", "triage.sim/log": 'relation "users" does not exist\n' }),
    ]);
    reconcile(view, 3600);
    const pods = podsOf(view, "migrate");
    expect(pods).toHaveLength(4);
    expect(pods.every((pod) => pod.status?.phase === "Failed")).toBe(true);
    const status = (view.get("Job", "default", "migrate") as Job).status;
    expect(status?.failed).toBe(4);
    expect(status?.conditions?.find((condition) => condition.type === "Failed")).toMatchObject({
      status: "True",
      reason: "BackoffLimitExceeded",
      message: "Job has reached the specified backoff limit",
    });
    expect(view.eventsFor("migrate", "BackoffLimitExceeded")).toHaveLength(1);
  });

  it("completes a Job whose pod exits 0", () => {
    const view = cluster([job("report", {})]);
    reconcile(view, 30);
    const [pod] = podsOf(view, "report");
    expect(pod?.status?.phase).toBe("Succeeded");
    expect(pod?.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: "Completed",
    });
    const status = (view.get("Job", "default", "report") as Job).status;
    expect(status?.succeeded).toBe(1);
    expect(
      status?.conditions?.some((condition) => condition.type === "Complete" && condition.status === "True"),
    ).toBe(true);
  });

  it("runs a DaemonSet pod on every admitting node", () => {
    const daemonSet: KubeObject = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "kube-proxy", namespace: "kube-system" },
      spec: {
        selector: { matchLabels: { app: "kube-proxy" } },
        template: {
          metadata: { labels: { app: "kube-proxy" } },
          spec: { containers: [{ name: "kube-proxy", image: "registry.k8s.io/kube-proxy:v1.30.2" }] },
        },
      },
    };
    const view = cluster(
      [daemonSet],
      [
        node("a"),
        node("b", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }),
        namespace("kube-system"),
        storageClass(),
      ],
    );
    const pods = podsOf(view, "kube-proxy");
    expect(pods.map((pod) => pod.spec.nodeName)).toEqual(["a"]);
    expect((view.get("DaemonSet", "kube-system", "kube-proxy") as Workload).status).toMatchObject({
      desiredNumberScheduled: 1,
      numberReady: 1,
    });
  });
});
