import type { KubeObject, Workload } from "../../../src/domain/kube.js";

/** Small objects shaped like what the API server returns, for pure catalog tests. */
export function deployment(
  overrides: { revision?: string; generation?: number; rv?: string } = {},
): Workload {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "analytics-service",
      namespace: "prod-api",
      uid: "uid-dep",
      resourceVersion: overrides.rv ?? "100",
      generation: overrides.generation ?? 3,
      annotations: { "deployment.kubernetes.io/revision": overrides.revision ?? "3" },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "analytics" } },
      template: {
        metadata: { labels: { app: "analytics" } },
        spec: {
          containers: [
            {
              name: "app",
              image: "registry/analytics:1.3",
              resources: { requests: { memory: "32Mi" }, limits: { memory: "64Mi" } },
              readinessProbe: { httpGet: { path: "/ready", port: 8080 }, initialDelaySeconds: 5 },
            },
            { name: "sidecar", image: "envoy:1.0" },
          ],
        },
      },
    },
  };
}

export function replicaSet(revision: number, image: string, owner = "analytics-service"): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${owner}-${revision}abc`,
      namespace: "prod-api",
      annotations: { "deployment.kubernetes.io/revision": String(revision) },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "Deployment", name: owner, uid: "uid-dep", controller: true },
      ],
    },
    spec: {
      replicas: 0,
      template: {
        metadata: { labels: { app: "analytics", "pod-template-hash": `${revision}abc` } },
        spec: {
          containers: [
            { name: "app", image },
            { name: "sidecar", image: "envoy:1.0" },
          ],
        },
      },
    },
  };
}

export function pod(owned = true): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "web-abc",
      namespace: "prod-api",
      uid: "uid-pod",
      resourceVersion: "7",
      ...(owned
        ? {
            ownerReferences: [
              { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "rs", controller: true },
            ],
          }
        : {}),
    },
    spec: { containers: [{ name: "web" }] },
  };
}
