import { describe, expect, it } from "vitest";
import {
  fieldValue,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from "../../../src/sim/selectors.js";

const labels = { app: "web", tier: "frontend", env: "prod", "app.kubernetes.io/name": "shop", replicas: "3" };

function matches(selector: string, on: Record<string, string> | undefined = labels): boolean {
  return matchesLabels(parseLabelSelector(selector), on);
}

describe("label selectors", () => {
  it("supports equality, inequality, set and existence operators", () => {
    expect(matches("app=web")).toBe(true);
    expect(matches("app==web")).toBe(true);
    expect(matches("app=api")).toBe(false);
    expect(matches("app!=api")).toBe(true);
    expect(matches("app!=web")).toBe(false);
    expect(matches("missing!=x")).toBe(true);
    expect(matches("env in (prod, staging)")).toBe(true);
    expect(matches("env in (dev,staging)")).toBe(false);
    expect(matches("env notin (dev,staging)")).toBe(true);
    expect(matches("env notin (prod)")).toBe(false);
    expect(matches("missing notin (prod)")).toBe(true);
    expect(matches("tier")).toBe(true);
    expect(matches("missing")).toBe(false);
    expect(matches("!missing")).toBe(true);
    expect(matches("!tier")).toBe(false);
    expect(matches("app.kubernetes.io/name=shop")).toBe(true);
    expect(matches("replicas>2")).toBe(true);
    expect(matches("replicas<3")).toBe(false);
  });

  it("requires every requirement and keeps commas inside parentheses", () => {
    expect(matches("app=web,env in (prod,staging),!legacy")).toBe(true);
    expect(matches("app=web,env in (dev,staging)")).toBe(false);
    expect(parseLabelSelector("a in (x,y),b")).toEqual([
      { key: "a", op: "in", values: ["x", "y"] },
      { key: "b", op: "exists" },
    ]);
    expect(matches("")).toBe(true);
    expect(matchesLabels(parseLabelSelector("app=web"), undefined)).toBe(false);
  });

  it("rejects malformed selectors like the API server", () => {
    expect(() => parseLabelSelector("app=web,")).toThrow(SelectorError);
    expect(() => parseLabelSelector("app in ()")).toThrow(/values set can't be empty/);
    expect(() => parseLabelSelector("bad key=x")).toThrow(SelectorError);
    expect(() => parseLabelSelector("app=has space")).toThrow(SelectorError);
    expect(() => parseLabelSelector("n>x")).toThrow(/must be an integer/);
  });
});

describe("field selectors", () => {
  const pod = {
    metadata: { name: "web-1", namespace: "shop" },
    spec: { nodeName: "node-1" },
    status: { phase: "Running" },
  };

  it("matches =, == and != on dotted paths; absent fields are empty", () => {
    expect(matchesFields(parseFieldSelector("status.phase=Running"), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector("status.phase==Running,spec.nodeName=node-1"), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector("status.phase!=Running"), pod)).toBe(false);
    expect(matchesFields(parseFieldSelector("spec.nodeName="), pod)).toBe(false);
    expect(matchesFields(parseFieldSelector("spec.nodeName="), { metadata: {} })).toBe(true);
    expect(fieldValue(pod, "metadata.name")).toBe("web-1");
  });

  it("unescapes \\, and \\= in values", () => {
    const event = { message: "a,b=c" };
    expect(parseFieldSelector("message=a\\,b\\=c")).toEqual([{ field: "message", op: "=", value: "a,b=c" }]);
    expect(matchesFields(parseFieldSelector("message=a\\,b\\=c"), event)).toBe(true);
  });

  it("rejects unsupported field labels and requirements without an operator", () => {
    const supported = (field: string) => field === "status.phase";
    expect(() => parseFieldSelector("spec.bogus=1", supported)).toThrow(
      "field label not supported: spec.bogus",
    );
    expect(() => parseFieldSelector("status.phase", supported)).toThrow(SelectorError);
  });
});
