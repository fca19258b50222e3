import { describe, expect, it } from "vitest";
import { triage } from "../../../src/triage/index.js";
import { largeSnapshot } from "../../fixtures/triage/scale.js";

// Speed is measured by `npm run bench`; this only proves large inputs work and stay correct.
describe("large clusters", () => {
  it("triages 50,000 pods: one cause per failing Deployment, not per pod", { timeout: 120_000 }, () => {
    const snap = largeSnapshot(50_000, 1);
    const result = triage(snap);
    expect(result.stats.pods).toBe(50_000);
    // Every 5th of the 5,000 Deployments fails.
    expect(result.rootCauses).toHaveLength(1_000);
    expect(result.blastRadius).toBe("multiple-namespaces");
    expect(new Set(result.rootCauses.map((c) => c.id)).size).toBe(1_000);
    expect(result.rootCauses.every((c) => c.affected.filter((r) => r.kind === "Pod").length >= 10)).toBe(
      true,
    );
  });
});
