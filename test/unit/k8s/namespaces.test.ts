import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors.js";
import { assertNamespaceName, closestNames, editDistance } from "../../../src/k8s/namespaces.js";

describe("assertNamespaceName", () => {
  it("accepts DNS-1123 labels", () => {
    for (const name of ["prod-api", "a", "a-team", "ns1", "x".repeat(63)])
      expect(() => assertNamespaceName(name)).not.toThrow();
  });
  it("rejects anything else with an InputError", () => {
    for (const name of ["Prod", "-a", "a-", "a_b", "a.b", "", "x".repeat(64), "../etc"]) {
      expect(() => assertNamespaceName(name)).toThrow(InputError);
    }
    expect(() => assertNamespaceName("Prod_API")).toThrow(/'Prod_API' is not a valid namespace name/);
  });
});

describe("editDistance", () => {
  it("counts inserts, deletes and substitutions", () => {
    expect(editDistance("prod-api", "prod-api")).toBe(0);
    expect(editDistance("prod-apj", "prod-api")).toBe(1);
    expect(editDistance("prodapi", "prod-api")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});

describe("closestNames", () => {
  const existing = ["default", "kube-system", "prod-api", "prod-web", "a-team", "monitoring"];
  it("suggests near misses best first", () => {
    expect(closestNames("prod-apo", existing)).toEqual(["prod-api"]);
    expect(closestNames("a-tean", existing)).toEqual(["a-team"]);
  });
  it("suggests names that extend a prefix", () => {
    expect(closestNames("prod", existing)).toEqual(["prod-api", "prod-web"]);
  });
  it("suggests nothing for unrelated names", () => {
    expect(closestNames("zzzzzzzz", existing)).toEqual([]);
  });
});
