import { describe, expect, it } from "vitest";
import type { KubeObject, Pod, Workload } from "../../../src/domain/kube.js";
import { cluster, deployment, namespace, node, podsOf, reconcile, storageClass } from "./fixtures.js";

const base = [node("node-1"), namespace("default"), storageClass()];

/** A Deployment, its ReplicaSet and pod as `kubectl get -o yaml` prints them (pod failing). */
function dump(): KubeObject[] {
  const web = deployment("web");
  web.metadata.uid = "d-1";
  web.metadata.generation = 1;
  web.metadata.annotations = { "deployment.kubernetes.io/revision": "1" };
  web.status = {
    observedGeneration: 1,
    replicas: 1,
    readyReplicas: 0,
    updatedReplicas: 1,
    unavailableReplicas: 1,
  };
  const rs: Workload = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: "web-7d4b9c8f5",
      namespace: "default",
      uid: "rs-1",
      labels: { app: "web", "pod-template-hash": "7d4b9c8f5" },
      annotations: { "deployment.kubernetes.io/revision": "1" },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "d-1", controller: true },
      ],
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web", "pod-template-hash": "7d4b9c8f5" } },
      template: {
        ...web.spec.template,
        metadata: { labels: { app: "web", "pod-template-hash": "7d4b9c8f5" } },
      },
    },
    status: { replicas: 1, observedGeneration: 1 },
  };
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "web-7d4b9c8f5-x2k9p",
      namespace: "default",
      uid: "p-1",
      labels: { app: "web", "pod-template-hash": "7d4b9c8f5" },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-7d4b9c8f5", uid: "rs-1", controller: true },
      ],
    },
    spec: { nodeName: "node-1", containers: [{ name: "web", image: "ghcr.io/acme/web:1.0.0" }] },
    status: {
      phase: "Running",
      podIP: "10.244.0.9",
      conditions: [{ type: "Ready", status: "False" }],
      containerStatuses: [
        {
          name: "web",
          ready: false,
          restartCount: 42,
          state: {
            waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container=web" },
          },
          lastState: { terminated: { exitCode: 2, reason: "Error" } },
        },
      ],
    },
  };
  return [web, rs, pod];
}

describe("statuses from a state file", () => {
  it("adopts a dump's ReplicaSet and pods without duplicating them, keeping the pod's status", () => {
    const view = cluster(dump(), base);
    expect((view.list("ReplicaSet") as Workload[]).map((rs) => rs.metadata.name)).toEqual(["web-7d4b9c8f5"]);
    const pods = podsOf(view, "web");
    expect(pods.map((pod) => pod.metadata.name)).toEqual(["web-7d4b9c8f5-x2k9p"]);
    reconcile(view, 3600);
    const [pod] = podsOf(view, "web");
    expect(pod?.status?.containerStatuses?.[0]?.restartCount).toBe(42);
    expect(pod?.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(2);
    expect(pod?.metadata.annotations?.["triage.sim/status-source"]).toBeUndefined();
  });

  it("replaces the dumped pod with a computed one when the template changes", () => {
    const view = cluster(dump(), base);
    const current = view.get("Deployment", "default", "web") as Workload;
    current.spec.template.spec.containers[0]!.image = "ghcr.io/acme/web:1.0.1";
    view.upsert(current);
    reconcile(view);
    const pods = podsOf(view, "web");
    expect(pods).toHaveLength(1);
    expect(pods[0]?.metadata.name).not.toBe("web-7d4b9c8f5-x2k9p");
    expect(pods[0]?.status?.phase).toBe("Running");
    expect(pods[0]?.metadata.annotations?.["triage.sim/status-source"]).toBe("model");
  });

  it("computes pods that come without a status", () => {
    const bare: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "debug", namespace: "default", labels: { app: "debug" } },
      spec: { containers: [{ name: "sh", image: "busybox:1.36" }] },
    };
    const view = cluster([bare], base);
    expect(podsOf(view, "debug")[0]?.status?.phase).toBe("Running");
  });

  it("dates a shorthand Deployment's pods at its creation so failures have history", () => {
    const view = cluster(
      [
        deployment("oom", {
          createdAt: "2026-01-15T07:00:00Z",
          annotations: { "triage.sim/memory-usage": "1Gi" },
          container: { resources: { limits: { memory: "128Mi" } } },
        }),
      ],
      base,
    );
    const [pod] = podsOf(view, "oom");
    expect(pod?.metadata.creationTimestamp).toBe("2026-01-15T07:00:00Z");
    expect(pod?.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(20);
    expect(pod?.status?.containerStatuses?.[0]?.state?.waiting?.message).toMatch(/^back-off 5m0s/);
  });
});
