import { describe, expect, it } from "vitest";
import { dedupKeyFor, owningWorkload } from "../../../src/queue/dedup.js";

describe("dedup keys", () => {
  it("uses the namespace when no workload is named", () => {
    expect(dedupKeyFor({ namespace: "prod-api" })).toBe("ns/prod-api");
  });

  it("uses namespace and workload when a target is named", () => {
    const key = dedupKeyFor({ namespace: "a", target: { kind: "Deployment", namespace: "a", name: "api" } });
    expect(key).toBe("wl/a/Deployment/api");
    expect(key).not.toBe(
      dedupKeyFor({ namespace: "a", target: { kind: "Deployment", namespace: "a", name: "web" } }),
    );
    expect(key).not.toBe(
      dedupKeyFor({ namespace: "b", target: { kind: "Deployment", namespace: "b", name: "api" } }),
    );
  });

  it("folds the pods and ReplicaSets of a Deployment into the Deployment (alert storms)", () => {
    const keys = ["api-7d9f8c6b5d-x2x7q", "api-7d9f8c6b5d-kq9zz", "api-5c6b7d8f9-m4n5p"].map((name) =>
      dedupKeyFor({ namespace: "a", target: { kind: "Pod", namespace: "a", name } }),
    );
    const rs = dedupKeyFor({
      namespace: "a",
      target: { kind: "ReplicaSet", namespace: "a", name: "api-7d9f8c6b5d" },
    });
    expect(new Set([...keys, rs])).toEqual(new Set(["wl/a/Deployment/api"]));
  });

  it("folds StatefulSet pods and leaves ordinary names alone", () => {
    expect(owningWorkload({ kind: "Pod", namespace: "a", name: "postgres-0" })).toEqual({
      kind: "StatefulSet",
      namespace: "a",
      name: "postgres",
    });
    expect(owningWorkload({ kind: "Service", namespace: "a", name: "api-7d9f8c6b5d" }).kind).toBe("Service");
  });

  it("takes the namespace from the target when the trigger has a different one", () => {
    expect(dedupKeyFor({ namespace: "x", target: { kind: "Deployment", namespace: "y", name: "api" } })).toBe(
      "wl/y/Deployment/api",
    );
  });
});
