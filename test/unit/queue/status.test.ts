import { describe, expect, it } from "vitest";
import type { InvestigationStatus } from "../../../src/domain/investigation.js";
import {
  assertTransition,
  canTransition,
  FINAL_STATUSES,
  IllegalTransitionError,
  isFinal,
} from "../../../src/queue/status.js";

const ALL: InvestigationStatus[] = [
  "queued",
  "collecting",
  "analyzing",
  "proposed",
  "completed",
  "approved",
  "denied",
  "executing",
  "validating",
  "resolved",
  "failed",
];

describe("investigation status transitions", () => {
  it("allows the documented happy paths", () => {
    const manual: InvestigationStatus[] = [
      "queued",
      "collecting",
      "analyzing",
      "proposed",
      "approved",
      "executing",
      "validating",
      "resolved",
    ];
    for (let i = 1; i < manual.length; i++) {
      expect(canTransition(manual[i - 1] as InvestigationStatus, manual[i] as InvestigationStatus)).toBe(
        true,
      );
    }
    expect(canTransition("analyzing", "completed")).toBe(true);
    expect(canTransition("proposed", "denied")).toBe(true);
    expect(canTransition("proposed", "executing")).toBe(true);
  });

  it("lets every non-final status fail, and a retried phase re-enter itself", () => {
    for (const status of ALL.filter((s) => !isFinal(s))) {
      expect(canTransition(status, "failed")).toBe(true);
      expect(canTransition(status, status)).toBe(true);
    }
  });

  it("never leaves a final status", () => {
    expect(FINAL_STATUSES).toEqual(["completed", "denied", "resolved", "failed"]);
    for (const from of FINAL_STATUSES) {
      for (const to of ALL) expect(canTransition(from, to)).toBe(false);
    }
  });

  it("refuses going backwards or skipping the analysis", () => {
    expect(canTransition("analyzing", "collecting")).toBe(false);
    expect(canTransition("queued", "proposed")).toBe(false);
    expect(canTransition("collecting", "executing")).toBe(false);
    expect(canTransition("approved", "proposed")).toBe(false);
    expect(() => assertTransition("resolved", "executing")).toThrow(IllegalTransitionError);
    expect(() => assertTransition("queued", "collecting")).not.toThrow();
  });
});
