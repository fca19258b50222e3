import { describe, expect, it } from "vitest";
import { rcaFromTriage } from "../../../src/agent/fallback.js";
import { mergeProposals } from "../../../src/agent/proposals.js";
import { submitRcaSchema } from "../../../src/agent/rca-schema.js";
import { defaultPolicy, parsePolicy } from "../../../src/config/policy.js";
import type { RemediationProposal } from "../../../src/domain/actions.js";
import { NS, triage } from "./helpers/fixtures.js";

const rca = (hypothesesRejected: { hypothesis: string; reason: string }[] = []) =>
  submitRcaSchema.parse({
    summary: "s",
    severity: "P2",
    rootCauses: [],
    confidence: 0.5,
    hypothesesRejected,
    dangerousAssumption: "a",
    validationPlan: ["p"],
  });

describe("rcaFromTriage", () => {
  it("carries causes, evidence from the triage, proposals and a checkable plan", () => {
    const report = rcaFromTriage(triage(), "no key");
    expect(report).toMatchObject({ source: "deterministic", fallbackReason: "no key", severity: "P1" });
    expect(report.rootCauses[0]?.evidence.every((e) => e.source === "triage")).toBe(true);
    expect(report.proposals).toHaveLength(1);
    expect(report.validationPlan).toContain(
      `Deployment ${NS}/api reports all desired replicas ready and available`,
    );
  });
});

describe("mergeProposals", () => {
  const deterministic = triage().remediations;

  it("keeps deterministic proposals, dedupes model ones by id, and dry-runs them", async () => {
    const dryRuns: string[] = [];
    const merged = await mergeProposals({
      deterministic,
      model: [{ ...deterministic[0]!, summary: "model's copy" }],
      rca: rca(),
      triageCauses: triage().rootCauses,
      policy: defaultPolicy(),
      namespace: NS,
      dryRun: async (p) => {
        dryRuns.push(p.id);
        return { ok: true, message: "ok" };
      },
    });
    expect(merged.proposals.map((p) => p.summary)).toEqual(["restart api"]);
    expect(dryRuns).toEqual([`rollout-restart:${NS}/api`]);
  });

  it("drops a deterministic proposal the model explicitly rejected, or one the policy forbids", async () => {
    const contradicted = await mergeProposals({
      deterministic,
      model: [],
      rca: rca([
        { hypothesis: `crash-loop:Deployment/${NS}/api is the cause`, reason: "the db is down, not the app" },
      ]),
      triageCauses: triage().rootCauses,
      policy: defaultPolicy(),
      namespace: NS,
    });
    expect(contradicted.proposals).toEqual([]);
    expect(contradicted.dropped[0]?.reason).toMatch(/contradicted by the model's analysis: the db is down/);

    const forbidden = await mergeProposals({
      deterministic,
      model: [],
      rca: rca(),
      triageCauses: triage().rootCauses,
      policy: parsePolicy("remediation: {allowedActions: [create-pvc]}"),
      namespace: NS,
    });
    expect(forbidden.proposals).toEqual([]);
    expect(forbidden.dropped[0]?.reason).toMatch(/not in remediation.allowedActions/);
  });

  it("treats the same action on the same target as one proposal, whatever the ids say", async () => {
    const restart = deterministic[0]!;
    const scale = (replicas: number): RemediationProposal => ({
      ...restart,
      action: "scale",
      target: { kind: "Deployment", namespace: NS, name: "api" },
      params: { replicas },
      id: `scale:${NS}/api`,
      change: `replicas -> ${replicas}`,
    });
    const merged = await mergeProposals({
      deterministic: [scale(3)],
      model: [
        { ...restart, id: `rollout-restart:${NS}/api/extra-suffix` },
        { ...scale(5), id: `scale:${NS}/api/model` },
        { ...scale(3), id: `scale:${NS}/api/same` },
      ],
      rca: rca(),
      triageCauses: triage().rootCauses,
      policy: defaultPolicy(),
      namespace: NS,
    });
    expect(merged.proposals.map((p) => p.id)).toEqual([
      `scale:${NS}/api`,
      `rollout-restart:${NS}/api/extra-suffix`,
    ]);
    expect(merged.dropped).toEqual([
      {
        description: `scale:${NS}/api/model: replicas -> 5`,
        reason: `the deterministic proposal scale:${NS}/api already changes this target (replicas -> 3)`,
      },
    ]);
  });

  it("drops a proposal whose dry-run fails", async () => {
    const merged = await mergeProposals({
      deterministic,
      model: [],
      rca: rca(),
      triageCauses: triage().rootCauses,
      policy: defaultPolicy(),
      namespace: NS,
      dryRun: async () => ({ ok: false, message: "admission webhook denied" }),
    });
    expect(merged.proposals).toEqual([]);
    expect(merged.dropped[0]?.reason).toBe("dry-run failed: admission webhook denied");
  });
});
