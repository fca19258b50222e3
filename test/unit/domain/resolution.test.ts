import { describe, expect, it } from "vitest";
import type { ProposalRecord } from "../../../src/domain/investigation.js";
import type { RcaRootCause } from "../../../src/domain/rca.js";
import { progressText, resolutionProgress, statusAfterValidatedFix } from "../../../src/domain/resolution.js";
import { statusMessage } from "../../../src/slack/blocks/status.js";
import {
  investigation,
  proposal,
  proposalRecord,
  rcaReport,
  triageResult,
} from "../../support/slack-fixtures.js";

function cause(category: RcaRootCause["category"], name: string): RcaRootCause {
  return {
    category,
    name: `${category} in ${name}`,
    summary: `${name} is broken (${category}).`,
    resource: { kind: "Deployment", namespace: "prod-api", name },
    affected: [],
    evidence: [],
    confidence: 0.9,
  };
}

const payment = cause("image-pull", "payment-service");
const users = cause("missing-secret", "user-service");
const analytics = cause("oom-killed", "analytics-service");

function fix(
  name: string,
  category: string,
  state: ProposalRecord["state"],
  verdict?: string,
): ProposalRecord {
  const target = { kind: "Deployment", namespace: "prod-api", name };
  return proposalRecord({
    proposal: proposal({
      id: `fix:prod-api/${name}`,
      target,
      rootCauseId: `${category}:Deployment/prod-api/${name}`,
      ...(category === "image-pull" ? { action: "rollback", params: {} } : {}),
    } as never),
    token: `tok-${name}`.padEnd(32, "x"),
    state,
    ...(state === "succeeded" || state === "rolled-back"
      ? {
          outcome: {
            status: "succeeded" as const,
            message: "applied",
            ...(state === "rolled-back" ? { rolledBack: true } : {}),
            ...(verdict
              ? {
                  validation: {
                    verdict: verdict as "resolved",
                    evidence: [],
                    checkedAt: "2026-11-21T09:05:00.000Z",
                  },
                }
              : {}),
          },
        }
      : {}),
  });
}

const threeCauses = rcaReport({ rootCauses: [payment, users, analytics] });

describe("resolution progress by root cause", () => {
  it("one validated fix of three causes is progress, not resolution; the others stay open", () => {
    const inv = investigation({
      rca: threeCauses,
      proposals: [
        fix("payment-service", "image-pull", "pending"),
        fix("analytics-service", "oom-killed", "succeeded", "resolved"),
      ],
    });
    const progress = resolutionProgress(inv);
    expect(progress.complete).toBe(false);
    expect(progress.fixed.map((c) => c.resource.name)).toEqual(["analytics-service"]);
    expect(progress.open.map((c) => c.resource.name)).toEqual(["payment-service", "user-service"]);
    expect(progressText(progress)).toBe(
      "1 of 3 root causes fixed: set-resources on Deployment analytics-service validated; still open: payment-service (image-pull), user-service (missing-secret)",
    );
    // The payment-service rollback still waits for a decision: back to "proposed".
    expect(statusAfterValidatedFix(inv)).toBe("proposed");
  });

  it("resolves only when every cause has a validated fix; rolled-back or unvalidated fixes do not count", () => {
    const both = rcaReport({ rootCauses: [payment, analytics] });
    const allFixed = investigation({
      rca: both,
      proposals: [
        fix("payment-service", "image-pull", "succeeded", "resolved"),
        fix("analytics-service", "oom-killed", "succeeded", "resolved"),
      ],
    });
    expect(resolutionProgress(allFixed).complete).toBe(true);
    expect(statusAfterValidatedFix(allFixed)).toBe("resolved");
    const rolledBack = investigation({
      rca: both,
      proposals: [
        fix("payment-service", "image-pull", "rolled-back", "not-resolved"),
        fix("analytics-service", "oom-killed", "succeeded", "resolved"),
      ],
    });
    expect(resolutionProgress(rolledBack).complete).toBe(false);
    // Nothing left to approve: the investigation is done, partly fixed.
    expect(statusAfterValidatedFix(rolledBack)).toBe("completed");
  });

  it("waits for a fix still being applied; with no named causes one validated fix resolves", () => {
    const inFlight = investigation({
      rca: threeCauses,
      proposals: [
        fix("payment-service", "image-pull", "executing"),
        fix("analytics-service", "oom-killed", "succeeded", "resolved"),
      ],
    });
    expect(statusAfterValidatedFix(inFlight)).toBeUndefined();
    const unnamed = investigation({
      rca: rcaReport({ rootCauses: [] }),
      proposals: [fix("analytics-service", "oom-killed", "succeeded", "resolved")],
    });
    expect(statusAfterValidatedFix(unnamed)).toBe("resolved");
  });
});

describe("matching fixes to causes", () => {
  it("a model's fix whose root-cause id matches no cause counts for the cause whose object it changed", () => {
    const record = fix("analytics-service", "oom-killed", "succeeded", "resolved");
    record.proposal = { ...record.proposal, rootCauseId: "memory-limit-too-low" };
    const progress = resolutionProgress(investigation({ rca: threeCauses, proposals: [record] }));
    expect(progress.fixed.map((cause) => cause.resource.name)).toEqual(["analytics-service"]);
  });

  it("a validated fix of no named cause is still reported, as progress on none of them", () => {
    const record = fix("cache", "oom-killed", "succeeded", "resolved");
    const progress = resolutionProgress(investigation({ rca: threeCauses, proposals: [record] }));
    expect(progress.complete).toBe(false);
    expect(progressText(progress, { names: true })).toBe(
      "0 of 3 root causes fixed: set-resources on Deployment cache validated; still open: payment-service, user-service, analytics-service",
    );
  });
});

describe("the parent message of a partly fixed incident", () => {
  const partial = investigation({
    status: "proposed",
    rca: rcaReport({ rootCauses: [analytics, payment, users] }),
    proposals: [
      fix("payment-service", "image-pull", "pending"),
      fix("analytics-service", "oom-killed", "succeeded", "resolved"),
    ],
  });

  it("shows the progress and leads with the first cause still open, never ✅ or 'Was'", () => {
    const message = statusMessage(partial);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain(
      "*Progress:* 1 of 3 root causes fixed: set-resources on Deployment analytics-service validated; still open: payment-service, user-service",
    );
    expect(shown).toContain('*Status*\\n⏳ Waiting for approval (1 fix in the thread)"');
    expect(shown).not.toContain("*Root cause:*");
    expect(shown).toContain("*Do now:* approve fix 1");
    expect(shown).not.toContain("*Was:*");
    expect(message.text).toMatch(/^P2 \[default\] prod-api: 1 of 3 root causes fixed \(/);
    expect(message.text).not.toContain("✅");
  });

  it("counts a Deployment whose fix validated as no longer down", () => {
    const counted = {
      ...partial,
      triage: triageResult({ headline: "3 root causes in prod-api: 3 of 4 deployments unavailable" }),
    };
    expect(JSON.stringify(statusMessage(counted).blocks)).toContain("*Impact*\\n2 of 4 deployments down");
  });

  it("a fully fixed incident still reads resolved", () => {
    const done = statusMessage({
      ...partial,
      status: "resolved",
      rca: rcaReport({ rootCauses: [analytics] }),
    });
    expect(done.text).toContain("✅ resolved — set-resources on Deployment analytics-service applied");
    expect(JSON.stringify(done.blocks)).toContain("*Was:* Deployment analytics-service");
  });
});
