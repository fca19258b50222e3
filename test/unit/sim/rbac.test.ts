import { describe, expect, it } from "vitest";
import { isAllowed } from "../../../src/sim/identities.js";
import { rulesForServiceAccount } from "../../../src/sim/rbac.js";

const sa = { kind: "ServiceAccount", name: "bot-executor", namespace: "triage" };
const objects = [
  {
    kind: "ClusterRole",
    metadata: { name: "writer" },
    rules: [
      { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["create"] },
      { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] },
      { apiGroups: [""], resources: ["configmaps"], resourceNames: ["allowed"], verbs: ["get"] },
    ],
  },
  {
    kind: "ClusterRole",
    metadata: { name: "reader" },
    rules: [{ apiGroups: ["*"], resources: ["nodes"], verbs: ["list"] }],
  },
  {
    kind: "RoleBinding",
    metadata: { name: "w", namespace: "a-team" },
    roleRef: { kind: "ClusterRole", name: "writer" },
    subjects: [sa],
  },
  {
    kind: "ClusterRoleBinding",
    metadata: { name: "r" },
    roleRef: { kind: "ClusterRole", name: "reader" },
    subjects: [sa],
  },
  // Another subject's binding grants this one nothing.
  {
    kind: "ClusterRoleBinding",
    metadata: { name: "x" },
    roleRef: { kind: "ClusterRole", name: "writer" },
    subjects: [{ ...sa, name: "other" }],
  },
];

describe("the simulated API server's RBAC evaluator", () => {
  const identity = {
    name: "system:serviceaccount:triage:bot-executor",
    token: "t",
    rules: [],
    rbac: rulesForServiceAccount(objects, sa),
  };
  const allowed = (request: Parameters<typeof isAllowed>[1]) => isAllowed(identity, request);

  it("scopes a RoleBinding to its namespace", () => {
    expect(
      allowed({ verb: "create", group: "", resource: "persistentvolumeclaims", namespace: "a-team" }),
    ).toBe(true);
    expect(
      allowed({ verb: "create", group: "", resource: "persistentvolumeclaims", namespace: "prod-api" }),
    ).toBe(false);
    expect(allowed({ verb: "create", group: "", resource: "persistentvolumeclaims" })).toBe(false);
  });

  it("matches verbs, groups and subresources exactly", () => {
    const scale = {
      group: "apps",
      resource: "deployments",
      subresource: "scale",
      namespace: "a-team",
      name: "db",
    };
    expect(allowed({ verb: "patch", ...scale })).toBe(true);
    expect(allowed({ verb: "update", ...scale })).toBe(false);
    expect(
      allowed({ verb: "patch", group: "apps", resource: "deployments", namespace: "a-team", name: "db" }),
    ).toBe(false);
    expect(allowed({ verb: "patch", ...scale, group: "extensions" })).toBe(false);
  });

  it("honours resourceNames (and never matches a request without a name)", () => {
    const cm = { verb: "get", group: "", resource: "configmaps", namespace: "a-team" };
    expect(allowed({ ...cm, name: "allowed" })).toBe(true);
    expect(allowed({ ...cm, name: "other" })).toBe(false);
    expect(allowed({ ...cm, verb: "list" })).toBe(false);
  });

  it("applies ClusterRoleBindings cluster-wide and ignores other subjects' bindings", () => {
    expect(allowed({ verb: "list", group: "", resource: "nodes" })).toBe(true);
    expect(rulesForServiceAccount(objects, { ...sa, name: "nobody" })).toEqual([]);
  });
});
