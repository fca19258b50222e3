import { describe, expect, it } from "vitest";
import type { RemediationAction } from "../../../src/domain/actions.js";
import { RemediationRefused } from "../../../src/errors.js";
import { buildRequest, parseAction } from "../../../src/remediation/catalog.js";
import { deployment, pod, replicaSet } from "./fixtures.js";

const dep = { kind: "Deployment", namespace: "prod-api", name: "analytics-service" } as const;

function refusal(fn: () => unknown): RemediationRefused {
  try {
    fn();
  } catch (error) {
    if (error instanceof RemediationRefused) return error;
    throw error;
  }
  throw new Error("expected a RemediationRefused");
}

describe("buildRequest", () => {
  it("create-pvc POSTs exactly the claim, marked as ours", () => {
    const action: RemediationAction = {
      action: "create-pvc",
      target: { kind: "PersistentVolumeClaim", namespace: "a-team", name: "postgres-pvc" },
      params: { storageClassName: "standard", size: "10Gi", accessModes: ["ReadWriteOnce"] },
    };
    expect(buildRequest(action, undefined)).toEqual({
      method: "POST",
      path: "/api/v1/namespaces/a-team/persistentvolumeclaims",
      contentType: "application/json",
      body: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: {
          name: "postgres-pvc",
          namespace: "a-team",
          labels: { "app.kubernetes.io/managed-by": "k8s-triage-bot" },
          annotations: { "k8s-triage-bot/created-by": "create-pvc" },
        },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: "standard",
          resources: { requests: { storage: "10Gi" } },
        },
      },
    });
    const existing = {
      kind: "PersistentVolumeClaim",
      metadata: { name: "postgres-pvc", namespace: "a-team" },
    };
    expect(refusal(() => buildRequest(action, existing)).code).toBe("TARGET_EXISTS");
  });

  it("set-resources strategic-merges one container by name, only the given values", () => {
    const action: RemediationAction = {
      action: "set-resources",
      target: dep,
      params: { container: "app", limits: { memory: "256Mi" }, requests: { memory: "128Mi", cpu: "100m" } },
    };
    expect(buildRequest(action, deployment())).toEqual({
      method: "PATCH",
      path: "/apis/apps/v1/namespaces/prod-api/deployments/analytics-service",
      contentType: "application/strategic-merge-patch+json",
      body: {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: "app",
                  resources: { requests: { memory: "128Mi", cpu: "100m" }, limits: { memory: "256Mi" } },
                },
              ],
            },
          },
        },
      },
    });
  });

  it("set-resources refuses an unknown container and an empty change", () => {
    const unknown: RemediationAction = {
      action: "set-resources",
      target: dep,
      params: { container: "nope", limits: { memory: "1Gi" } },
    };
    const error = refusal(() => buildRequest(unknown, deployment()));
    expect(error.code).toBe("NO_SUCH_CONTAINER");
    expect(error.message).toContain("containers: app, sidecar");
    const empty: RemediationAction = { action: "set-resources", target: dep, params: { container: "app" } };
    expect(refusal(() => buildRequest(empty, deployment())).code).toBe("NOTHING_TO_CHANGE");
  });

  it("set-image strategic-merges the image of one container", () => {
    const action: RemediationAction = {
      action: "set-image",
      target: dep,
      params: { container: "app", image: "registry/analytics:1.2" },
    };
    expect(buildRequest(action, deployment())).toEqual({
      method: "PATCH",
      path: "/apis/apps/v1/namespaces/prod-api/deployments/analytics-service",
      contentType: "application/strategic-merge-patch+json",
      body: {
        spec: { template: { spec: { containers: [{ name: "app", image: "registry/analytics:1.2" }] } } },
      },
    });
  });

  it("rollback replaces the template with the revision's, minus pod-template-hash, guarded by test ops", () => {
    const action: RemediationAction = { action: "rollback", target: dep, params: { toRevision: 2 } };
    const replicaSets = [replicaSet(2, "registry/analytics:1.2"), replicaSet(3, "registry/analytics:1.3")];
    expect(buildRequest(action, deployment(), { replicaSets })).toEqual({
      method: "PATCH",
      path: "/apis/apps/v1/namespaces/prod-api/deployments/analytics-service",
      contentType: "application/json-patch+json",
      body: [
        { op: "test", path: "/metadata/uid", value: "uid-dep" },
        { op: "test", path: "/metadata/generation", value: 3 },
        {
          op: "replace",
          path: "/spec/template",
          value: {
            metadata: { labels: { app: "analytics" } },
            spec: {
              containers: [
                { name: "app", image: "registry/analytics:1.2" },
                { name: "sidecar", image: "envoy:1.0" },
              ],
            },
          },
        },
      ],
    });
  });

  it("rollback refuses unknown revisions, other deployments' history and missing history", () => {
    const action: RemediationAction = { action: "rollback", target: dep, params: { toRevision: 1 } };
    const replicaSets = [replicaSet(2, "a:2"), replicaSet(1, "other:1", "other-deploy")];
    const error = refusal(() => buildRequest(action, deployment(), { replicaSets }));
    expect(error.code).toBe("NO_SUCH_REVISION");
    expect(error.message).toContain("(revisions: 2)");
    expect(refusal(() => buildRequest(action, deployment())).code).toBe("NEED_REPLICASETS");
  });

  it("rollback refuses when the deployment already runs that template", () => {
    const current = deployment();
    const rs = replicaSet(3, "x");
    (rs.spec as { template: unknown }).template = structuredClone(current.spec.template);
    const action: RemediationAction = { action: "rollback", target: dep, params: { toRevision: 3 } };
    expect(refusal(() => buildRequest(action, current, { replicaSets: [rs] })).code).toBe(
      "ALREADY_AT_REVISION",
    );
  });

  it("rollout-restart stamps the template annotation with the given time", () => {
    const action: RemediationAction = { action: "rollout-restart", target: dep, params: {} };
    expect(buildRequest(action, deployment(), { now: "2026-11-21T09:00:00Z" })).toEqual({
      method: "PATCH",
      path: "/apis/apps/v1/namespaces/prod-api/deployments/analytics-service",
      contentType: "application/strategic-merge-patch+json",
      body: {
        spec: {
          template: {
            metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-21T09:00:00Z" } },
          },
        },
      },
    });
    expect(refusal(() => buildRequest(action, deployment())).code).toBe("NEED_TIME");
  });

  it("scale merge-patches the scale subresource", () => {
    const action: RemediationAction = { action: "scale", target: dep, params: { replicas: 4 } };
    expect(buildRequest(action, deployment())).toEqual({
      method: "PATCH",
      path: "/apis/apps/v1/namespaces/prod-api/deployments/analytics-service/scale",
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 4 } },
    });
  });

  it("delete-pod deletes only this incarnation (uid precondition)", () => {
    const action: RemediationAction = {
      action: "delete-pod",
      target: { kind: "Pod", namespace: "prod-api", name: "web-abc" },
      params: {},
    };
    expect(buildRequest(action, pod())).toEqual({
      method: "DELETE",
      path: "/api/v1/namespaces/prod-api/pods/web-abc",
      contentType: "application/json",
      body: { apiVersion: "v1", kind: "DeleteOptions", preconditions: { uid: "uid-pod" } },
    });
    expect(refusal(() => buildRequest(action, undefined)).code).toBe("TARGET_MISSING");
  });

  it("patch-workload sets one allow-listed probe field, only on an existing probe", () => {
    const action: RemediationAction = {
      action: "patch-workload",
      target: dep,
      params: { container: "app", field: "readinessProbe.initialDelaySeconds", value: 30 },
    };
    expect(buildRequest(action, deployment())).toEqual({
      method: "PATCH",
      path: "/apis/apps/v1/namespaces/prod-api/deployments/analytics-service",
      contentType: "application/strategic-merge-patch+json",
      body: {
        spec: {
          template: { spec: { containers: [{ name: "app", readinessProbe: { initialDelaySeconds: 30 } }] } },
        },
      },
    });
    const noProbe: RemediationAction = {
      ...action,
      params: { ...action.params, field: "livenessProbe.failureThreshold" },
    };
    expect(refusal(() => buildRequest(noProbe, deployment())).code).toBe("NO_SUCH_PROBE");
  });

  it("refuses to apply an action to an object that is not its target", () => {
    const action: RemediationAction = {
      action: "scale",
      target: { ...dep, name: "other" },
      params: { replicas: 1 },
    };
    expect(refusal(() => buildRequest(action, deployment())).code).toBe("TARGET_MISMATCH");
  });
});

describe("parseAction", () => {
  it("refuses anything outside the catalog, Secrets included", () => {
    const error = refusal(() =>
      parseAction({
        action: "create-secret",
        target: { kind: "Secret", namespace: "a", name: "db" },
        params: {},
      }),
    );
    expect(error.code).toBe("NOT_IN_CATALOG");
    expect(
      refusal(() =>
        parseAction({
          action: "patch-workload",
          target: dep,
          params: { container: "app", field: "spec.serviceAccountName", value: 1 },
        }),
      ).code,
    ).toBe("NOT_IN_CATALOG");
  });
});
