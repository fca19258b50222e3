import { describe, expect, it } from "vitest";
import { jsonEqual, parsePath, readPath } from "../../../src/remediation/paths.js";

const object = {
  metadata: { annotations: { "deployment.kubernetes.io/revision": "4" } },
  spec: {
    template: {
      spec: {
        containers: [
          { name: "sidecar", image: "envoy" },
          { name: "app", image: "web:2", resources: { limits: { memory: "64Mi" } } },
        ],
      },
    },
  },
};

describe("readPath", () => {
  it("selects list elements by name (both spellings) or index, and quoted keys", () => {
    expect(readPath(object, "spec.template.spec.containers[name=app].resources.limits.memory")).toBe("64Mi");
    expect(readPath(object, "spec.template.spec.containers[app].resources.limits.memory")).toBe("64Mi");
    expect(readPath(object, "spec.template.spec.containers[0].image")).toBe("envoy");
    expect(readPath(object, 'metadata.annotations["deployment.kubernetes.io/revision"]')).toBe("4");
  });

  it("returns undefined for missing steps and throws on paths it cannot parse", () => {
    expect(readPath(object, "spec.template.spec.containers[web].image")).toBeUndefined();
    expect(readPath(object, "spec.replicas")).toBeUndefined();
    expect(() => parsePath("spec..x[")).toThrow(/bad field path/);
  });
});

describe("jsonEqual", () => {
  it("ignores key order and treats missing and undefined alike", () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual("64Mi", "64mi")).toBe(false);
  });
});
