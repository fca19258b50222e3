import { describe, expect, it } from "vitest";
import { LabelIndex, labelSelectorMatches, mapSelectorMatches } from "../../../src/triage/labels.js";

const item = (namespace: string, labels: Record<string, string>) => ({ metadata: { namespace, labels } });

describe("label selectors", () => {
  it("selects by every pair, within one namespace, never with an empty selector", () => {
    const a = item("x", { app: "db", tier: "data" });
    const b = item("x", { app: "db", tier: "cache" });
    const c = item("y", { app: "db", tier: "data" });
    const index = new LabelIndex([a, b, c]);
    expect(index.select("x", { app: "db" })).toEqual([a, b]);
    expect(index.select("x", { app: "db", tier: "data" })).toEqual([a]);
    expect(index.select("x", { app: "web" })).toEqual([]);
    expect(index.select("x", {})).toEqual([]);
    expect(mapSelectorMatches({}, { app: "db" })).toBe(false);
  });

  it("matchExpressions: In, NotIn, Exists, DoesNotExist; {} selects everything", () => {
    const labels = { app: "db", env: "prod" };
    expect(labelSelectorMatches({}, labels)).toBe(true);
    expect(labelSelectorMatches(undefined, labels)).toBe(false);
    expect(
      labelSelectorMatches(
        { matchExpressions: [{ key: "env", operator: "In", values: ["prod", "staging"] }] },
        labels,
      ),
    ).toBe(true);
    expect(
      labelSelectorMatches(
        { matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] },
        labels,
      ),
    ).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "team", operator: "Exists" }] }, labels)).toBe(
      false,
    );
    expect(
      labelSelectorMatches({ matchExpressions: [{ key: "team", operator: "DoesNotExist" }] }, labels),
    ).toBe(true);
    expect(
      labelSelectorMatches(
        { matchLabels: { app: "db" }, matchExpressions: [{ key: "env", operator: "Exists" }] },
        labels,
      ),
    ).toBe(true);
  });
});
