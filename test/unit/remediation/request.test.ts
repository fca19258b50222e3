import { describe, expect, it } from "vitest";
import { RemediationRefused } from "../../../src/errors.js";
import {
  assertAllowedRequest,
  type KubeRequest,
  parseRequestPath,
} from "../../../src/remediation/request.js";

function code(request: KubeRequest): string {
  try {
    assertAllowedRequest(request);
  } catch (error) {
    if (error instanceof RemediationRefused) return error.code;
    throw error;
  }
  return "allowed";
}

describe("assertAllowedRequest", () => {
  const body = { spec: {} };
  it.each([
    ["POST", "/api/v1/namespaces/a/secrets"],
    ["PATCH", "/api/v1/namespaces/a/secrets/db"],
    ["DELETE", "/api/v1/namespaces/a/secrets/db"],
    ["POST", "/api/v1/namespaces/a/serviceaccounts/default/token"],
    ["PATCH", "/api/v1/namespaces/a/serviceaccounts/default"],
    ["POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/a/roles"],
    ["PATCH", "/apis/rbac.authorization.k8s.io/v1/namespaces/a/rolebindings/x"],
    ["POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles"],
    ["POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"],
    ["POST", "/api/v1/namespaces/a/%73ecrets"],
  ] as const)("refuses %s %s (Secrets, ServiceAccount tokens, RBAC)", (method, path) => {
    expect(code({ method, path, body })).toBe("FORBIDDEN_RESOURCE");
  });

  it("refuses a Secret body even on an allowed path", () => {
    expect(
      code({ method: "POST", path: "/api/v1/namespaces/a/persistentvolumeclaims", body: { kind: "Secret" } }),
    ).toBe("FORBIDDEN_RESOURCE");
  });

  it("refuses cluster-scoped paths, queries and verbs the catalog does not use", () => {
    expect(code({ method: "PATCH", path: "/api/v1/nodes/n1", body })).toBe("REQUEST_PATH");
    expect(code({ method: "PATCH", path: "/apis/apps/v1/namespaces/a/deployments/x?dryRun=All", body })).toBe(
      "REQUEST_PATH",
    );
    expect(code({ method: "DELETE", path: "/apis/apps/v1/namespaces/a/deployments/x" })).toBe(
      "REQUEST_NOT_ALLOWED",
    );
    expect(code({ method: "POST", path: "/api/v1/namespaces/a/pods/x/exec", body })).toBe(
      "REQUEST_NOT_ALLOWED",
    );
    expect(code({ method: "PATCH", path: "/api/v1/namespaces/a/configmaps/x", body })).toBe(
      "REQUEST_NOT_ALLOWED",
    );
    expect(code({ method: "PATCH", path: "/apis/apps/v1/namespaces/a/deployments/x" })).toBe("REQUEST_BODY");
  });

  it("refuses a create whose body is not the collection's kind or names another namespace", () => {
    const path = "/api/v1/namespaces/a/persistentvolumeclaims";
    expect(code({ method: "POST", path, body: { kind: "ConfigMap" } })).toBe("REQUEST_BODY");
    const elsewhere = { kind: "PersistentVolumeClaim", metadata: { namespace: "b" } };
    expect(code({ method: "POST", path, body: elsewhere })).toBe("REQUEST_BODY");
  });

  it("allows exactly the catalog's requests", () => {
    const pvc = { kind: "PersistentVolumeClaim", metadata: { namespace: "a" } };
    expect(code({ method: "POST", path: "/api/v1/namespaces/a/persistentvolumeclaims", body: pvc })).toBe(
      "allowed",
    );
    expect(code({ method: "DELETE", path: "/api/v1/namespaces/a/persistentvolumeclaims/p" })).toBe("allowed");
    expect(code({ method: "DELETE", path: "/api/v1/namespaces/a/pods/p" })).toBe("allowed");
    expect(code({ method: "PATCH", path: "/apis/apps/v1/namespaces/a/statefulsets/s/scale", body })).toBe(
      "allowed",
    );
    expect(code({ method: "PATCH", path: "/apis/apps/v1/namespaces/a/daemonsets/d", body })).toBe("allowed");
  });
});

describe("parseRequestPath", () => {
  it("names group, namespace, plural, name and subresource", () => {
    expect(parseRequestPath("/apis/apps/v1/namespaces/prod/deployments/web/scale")).toEqual({
      group: "apps",
      version: "v1",
      namespace: "prod",
      plural: "deployments",
      name: "web",
      subresource: "scale",
    });
    expect(parseRequestPath("/api/v1/namespaces/a/persistentvolumeclaims")).toEqual({
      group: "",
      version: "v1",
      namespace: "a",
      plural: "persistentvolumeclaims",
    });
    expect(parseRequestPath("/api/v1/namespaces/a/../b/pods/x")).toBeUndefined();
  });
});
