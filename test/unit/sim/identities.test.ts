import { describe, expect, it } from "vitest";
import { defaultIdentities, isAllowed } from "../../../src/sim/identities.js";
import { kindByName } from "../../../src/sim/kinds.js";
import { validateObject } from "../../../src/sim/validation.js";

const { admin, reader, executor } = defaultIdentities({ admin: "a", reader: "r", executor: "e" });

describe("default identities", () => {
  it("lets the reader get/list/watch everything but Secrets (a metadata-only list), and write nothing", () => {
    for (const verb of ["get", "list", "watch"]) {
      expect(isAllowed(reader, { verb, group: "", resource: "pods" })).toBe(true);
      expect(isAllowed(reader, { verb, group: "apps", resource: "deployments" })).toBe(true);
      expect(isAllowed(reader, { verb, group: "", resource: "secrets" })).toBe(false);
      expect(isAllowed(reader, { verb, group: "", resource: "secrets", form: "object" })).toBe(false);
      expect(isAllowed(reader, { verb, group: "", resource: "secrets", form: "metadata" })).toBe(
        verb === "list",
      );
    }
    expect(isAllowed(reader, { verb: "get", group: "", resource: "pods", subresource: "log" })).toBe(true);
    for (const verb of ["create", "update", "patch", "delete", "deletecollection"]) {
      expect(isAllowed(reader, { verb, group: "", resource: "pods" })).toBe(false);
      expect(isAllowed(reader, { verb, group: "apps", resource: "deployments", subresource: "scale" })).toBe(
        false,
      );
    }
  });

  it("gives the executor exactly the remediation catalog's writes", () => {
    expect(isAllowed(executor, { verb: "delete", group: "", resource: "pods" })).toBe(true);
    expect(isAllowed(executor, { verb: "patch", group: "apps", resource: "deployments" })).toBe(true);
    expect(isAllowed(executor, { verb: "update", group: "apps", resource: "statefulsets" })).toBe(true);
    expect(
      isAllowed(executor, { verb: "patch", group: "apps", resource: "deployments", subresource: "scale" }),
    ).toBe(true);
    expect(isAllowed(executor, { verb: "create", group: "", resource: "persistentvolumeclaims" })).toBe(true);
    expect(isAllowed(executor, { verb: "list", group: "apps", resource: "controllerrevisions" })).toBe(true);
    expect(isAllowed(executor, { verb: "delete", group: "apps", resource: "deployments" })).toBe(false);
    expect(isAllowed(executor, { verb: "create", group: "", resource: "pods" })).toBe(false);
    expect(isAllowed(executor, { verb: "get", group: "", resource: "secrets" })).toBe(false);
    expect(isAllowed(executor, { verb: "get", group: "rbac.authorization.k8s.io", resource: "roles" })).toBe(
      false,
    );
    expect(
      isAllowed(admin, { verb: "delete", group: "rbac.authorization.k8s.io", resource: "clusterroles" }),
    ).toBe(true);
  });
});

describe("validation", () => {
  const pods = kindByName("Pod")!;
  const deployments = kindByName("Deployment")!;
  const pvcs = kindByName("PersistentVolumeClaim")!;

  it("requires DNS-1123 names and pod containers with images", () => {
    const causes = validateObject(pods, {
      kind: "Pod",
      metadata: { name: "Bad_Name" },
      spec: { containers: [{ name: "app" }] },
    });
    expect(causes.map((cause) => [cause.field, cause.reason])).toEqual([
      ["metadata.name", "FieldValueInvalid"],
      ["spec.containers[0].image", "FieldValueRequired"],
    ]);
    expect(validateObject(pods, { kind: "Pod", metadata: { name: "ok" }, spec: {} })[0]?.field).toBe(
      "spec.containers",
    );
  });

  it("checks deployment selectors against template labels and PVC essentials", () => {
    const causes = validateObject(deployments, {
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "a", image: "x" }] } },
      },
    });
    expect(causes.map((cause) => cause.field)).toEqual(["spec.template.metadata.labels"]);
    expect(
      validateObject(pvcs, { kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: {} }).map(
        (cause) => cause.field,
      ),
    ).toEqual(["spec.accessModes", "spec.resources[storage]"]);
  });

  it("forbids pod spec changes other than images", () => {
    const existing = {
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "app", image: "web:1" }] },
    };
    const newImage = { ...existing, spec: { containers: [{ name: "app", image: "web:2" }] } };
    expect(validateObject(pods, newImage, existing)).toEqual([]);
    const newLimits = {
      ...existing,
      spec: { containers: [{ name: "app", image: "web:1", resources: { limits: { memory: "1Gi" } } }] },
    };
    const causes = validateObject(pods, newLimits, existing);
    expect(causes).toEqual([expect.objectContaining({ field: "spec", reason: "FieldValueForbidden" })]);
    expect(causes[0]?.message).toContain(
      "pod updates may not change fields other than `spec.containers[*].image`",
    );
  });
});
