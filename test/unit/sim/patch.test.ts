import { describe, expect, it } from "vitest";
import {
  applyJsonPatch,
  applyMergePatch,
  applyPatch,
  applyStrategicMerge,
  PatchError,
  patchTypeOf,
} from "../../../src/sim/patch.js";

const deployment = {
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [
          {
            name: "app",
            image: "web:1",
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "2" },
            ],
            ports: [{ containerPort: 8080, name: "http" }],
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
          { name: "proxy", image: "envoy:1" },
        ],
        volumes: [{ name: "data", emptyDir: {} }],
      },
    },
  },
};

describe("strategic merge patch", () => {
  it("merges containers, env, ports and volumes by their merge keys", () => {
    const result = applyStrategicMerge(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "app",
                image: "web:2",
                env: [
                  { name: "B", value: "20" },
                  { name: "C", value: "3" },
                ],
                ports: [{ containerPort: 9090, name: "metrics" }],
              },
              { name: "sidecar", image: "log:1" },
            ],
            volumes: [{ name: "cache", emptyDir: {} }],
          },
        },
      },
    }) as typeof deployment;
    const containers = result.spec.template.spec.containers as Record<string, unknown>[];
    expect(containers.map((container) => container.name)).toEqual(["app", "proxy", "sidecar"]);
    expect(containers[0]).toMatchObject({
      image: "web:2",
      env: [
        { name: "A", value: "1" },
        { name: "B", value: "20" },
        { name: "C", value: "3" },
      ],
      ports: [
        { containerPort: 8080, name: "http" },
        { containerPort: 9090, name: "metrics" },
      ],
      volumeMounts: [{ name: "data", mountPath: "/data" }],
    });
    expect(containers[1]).toEqual({ name: "proxy", image: "envoy:1" });
    expect(result.spec.template.spec.volumes.map((volume) => volume.name)).toEqual(["data", "cache"]);
    expect(result.spec.replicas).toBe(2);
    // The input is not modified.
    expect(deployment.spec.template.spec.containers[0]?.image).toBe("web:1");
  });

  it("honours $patch delete/replace, null deletion and $deleteFromPrimitiveList", () => {
    const result = applyStrategicMerge(
      {
        spec: {
          containers: [{ name: "a" }, { name: "b" }],
          args: ["x", "y"],
          labels: { k: "v", drop: "me" },
        },
      },
      {
        spec: {
          containers: [{ name: "a", $patch: "delete" }],
          labels: { drop: null },
          "$deleteFromPrimitiveList/args": ["y"],
          "$setElementOrder/containers": [{ name: "b" }],
        },
      },
    );
    expect(result).toEqual({ spec: { containers: [{ name: "b" }], args: ["x"], labels: { k: "v" } } });
    const replaced = applyStrategicMerge(
      { spec: { containers: [{ name: "a" }, { name: "b" }] } },
      { spec: { containers: [{ $patch: "replace" }, { name: "c" }] } },
    );
    expect(replaced).toEqual({ spec: { containers: [{ name: "c" }] } });
  });

  it("replaces lists without a merge key", () => {
    const result = applyStrategicMerge(
      { spec: { tolerations: [{ key: "a" }] } },
      { spec: { tolerations: [{ key: "b" }] } },
    );
    expect(result).toEqual({ spec: { tolerations: [{ key: "b" }] } });
  });
});

describe("JSON patch (RFC 6902)", () => {
  it("applies add, replace, remove, move, copy and test", () => {
    const result = applyJsonPatch(deployment, [
      { op: "test", path: "/spec/replicas", value: 2 },
      { op: "replace", path: "/spec/replicas", value: 5 },
      { op: "add", path: "/spec/template/spec/containers/0/env/-", value: { name: "Z", value: "26" } },
      { op: "remove", path: "/spec/template/spec/containers/1" },
      { op: "add", path: "/metadata", value: { annotations: {} } },
      { op: "add", path: "/metadata/annotations/example.com~1restarted", value: "now" },
      { op: "copy", from: "/spec/replicas", path: "/spec/minReadySeconds" },
      { op: "move", from: "/spec/minReadySeconds", path: "/spec/paused" },
    ]) as Record<string, Record<string, unknown>>;
    expect(result.spec?.replicas).toBe(5);
    expect(result.spec?.paused).toBe(5);
    expect(result.spec?.minReadySeconds).toBeUndefined();
    expect(result.metadata?.annotations).toEqual({ "example.com/restarted": "now" });
    const template = result.spec?.template as { spec: { containers: { env: unknown[] }[] } } | undefined;
    const containers = template?.spec.containers ?? [];
    expect(containers).toHaveLength(1);
    expect(containers[0]?.env).toHaveLength(3);
  });

  it("fails on a failed test or a missing path", () => {
    expect(() => applyJsonPatch(deployment, [{ op: "test", path: "/spec/replicas", value: 3 }])).toThrow(
      PatchError,
    );
    expect(() =>
      applyJsonPatch(deployment, [{ op: "replace", path: "/spec/nothing/here", value: 1 }]),
    ).toThrow(/missing path/);
    expect(() => applyJsonPatch(deployment, { op: "add" })).toThrow(PatchError);
  });
});

describe("merge patch and content types", () => {
  it("merges maps, replaces lists and deletes with null", () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({
      a: { b: 1, d: 3 },
      l: [3],
    });
  });

  it("maps PATCH content types, apply behaving like strategic merge", () => {
    expect(patchTypeOf("application/json-patch+json")).toBe("json");
    expect(patchTypeOf("application/merge-patch+json; charset=utf-8")).toBe("merge");
    expect(patchTypeOf("application/strategic-merge-patch+json")).toBe("strategic");
    expect(patchTypeOf("application/apply-patch+yaml")).toBe("apply");
    expect(patchTypeOf("application/json")).toBeUndefined();
    const applied = applyPatch(
      "apply",
      { spec: { containers: [{ name: "a", image: "1" }] } },
      {
        spec: { containers: [{ name: "a", image: "2" }] },
      },
    );
    expect(applied).toEqual({ spec: { containers: [{ name: "a", image: "2" }] } });
  });
});
