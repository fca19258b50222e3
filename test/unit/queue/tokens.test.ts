import { describe, expect, it } from "vitest";
import type { Investigation } from "../../../src/domain/investigation.js";
import { applyDecision, isSettled, placeMismatch } from "../../../src/queue/decisions.js";
import {
  APPROVAL_START_GRACE_MS,
  approvalStartDeadline,
  isExpired,
  isWellFormedToken,
  newProposalToken,
  proposalExpiry,
  proposalRecords,
} from "../../../src/queue/tokens.js";
import { restartProposal, trigger } from "../../support/queue-helpers.js";

const NOW = new Date("2026-01-01T10:00:00Z");

function investigation(): Investigation {
  const at = NOW.toISOString();
  return {
    id: "inv-1",
    trigger: trigger("a"),
    joined: [],
    status: "proposed",
    timeline: [{ status: "proposed", at }],
    createdAt: at,
    updatedAt: at,
    proposals: proposalRecords([restartProposal("a", "api"), restartProposal("a", "web")], NOW, 30),
  };
}

describe("approval tokens", () => {
  it("are random, URL-safe and unique", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newProposalToken()));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(isWellFormedToken(token)).toBe(true);
    expect(isWellFormedToken("../../etc/passwd")).toBe(false);
  });

  it("expire exactly at expiresAt", () => {
    const expiresAt = proposalExpiry(NOW, 30).toISOString();
    expect(expiresAt).toBe("2026-01-01T10:30:00.000Z");
    expect(isExpired({ expiresAt }, new Date("2026-01-01T10:29:59.999Z"))).toBe(false);
    expect(isExpired({ expiresAt }, new Date("2026-01-01T10:30:00.000Z"))).toBe(true);
  });

  it("let an approved change start until the window closes, or five minutes after a late click", () => {
    const expiresAt = "2026-01-01T10:30:00.000Z";
    expect(APPROVAL_START_GRACE_MS).toBe(300_000);
    expect(approvalStartDeadline({ expiresAt, decidedAt: "2026-01-01T10:05:00.000Z" }).toISOString()).toBe(
      expiresAt,
    );
    expect(approvalStartDeadline({ expiresAt, decidedAt: "2026-01-01T10:29:00.000Z" }).toISOString()).toBe(
      "2026-01-01T10:34:00.000Z",
    );
    // A record without (or with an unreadable) click time gets the window only.
    expect(approvalStartDeadline({ expiresAt }).toISOString()).toBe(expiresAt);
    expect(approvalStartDeadline({ expiresAt, decidedAt: "yesterday" }).toISOString()).toBe(expiresAt);
  });

  it("gives each proposal its own pending record and token", () => {
    const records = investigation().proposals;
    expect(records.map((r) => r.state)).toEqual(["pending", "pending"]);
    expect(records[0]?.token).not.toBe(records[1]?.token);
  });
});

describe("applying a decision", () => {
  it("approves a pending proposal and moves the investigation to approved", () => {
    const inv = investigation();
    const token = inv.proposals[0]?.token as string;
    const result = applyDecision(inv, token, "approve", "U1", NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.proposal).toMatchObject({ state: "approved", decidedBy: "U1", mode: "manual" });
    expect(result.next.status).toBe("approved");
    expect(inv.proposals[0]?.state).toBe("pending");
  });

  it("refuses a second decision, naming who decided first", () => {
    const inv = investigation();
    const token = inv.proposals[0]?.token as string;
    const denied = applyDecision(inv, token, "deny", "U1", NOW);
    if (!denied.ok) throw new Error("expected the first decision to win");
    const again = applyDecision(denied.next, token, "approve", "U2", NOW);
    expect(again).toMatchObject({ ok: false, reason: "already-denied", by: "U1" });
  });

  it("denies the investigation only when no proposal is left open", () => {
    const inv = investigation();
    const [a, b] = inv.proposals.map((r) => r.token) as [string, string];
    const one = applyDecision(inv, a, "deny", "U1", NOW);
    if (!one.ok) throw new Error("deny failed");
    expect(one.next.status).toBe("proposed");
    const two = applyDecision(one.next, b, "deny", "U1", NOW);
    if (!two.ok) throw new Error("deny failed");
    expect(two.next.status).toBe("denied");
  });

  it("refuses expired and unknown tokens", () => {
    const inv = investigation();
    const late = new Date(NOW.getTime() + 30 * 60_000);
    expect(applyDecision(inv, inv.proposals[0]?.token as string, "approve", "U1", late)).toMatchObject({
      ok: false,
      reason: "expired",
    });
    expect(applyDecision(inv, "nope", "approve", "U1", NOW)).toMatchObject({
      ok: false,
      reason: "unknown-token",
    });
  });
});

describe("settled investigations (nothing left to decide)", () => {
  const later = new Date(NOW.getTime() + 31 * 60_000);
  it("one denied and one past its expiry is settled; a still-open one is not", () => {
    const inv = investigation();
    const denied = applyDecision(inv, inv.proposals[0]?.token as string, "deny", "U1", NOW);
    if (!denied.ok) throw new Error("deny refused");
    expect(denied.next.status).toBe("proposed");
    expect(isSettled(denied.next, NOW)).toBe(false);
    expect(isSettled(denied.next, later)).toBe(true);
  });

  it("partly fixed (one fix executed, back to proposed): settled once the other fix expired", () => {
    const inv = investigation();
    const first = inv.proposals[0];
    if (!first) throw new Error("no proposal");
    const partly = {
      ...inv,
      proposals: [
        { ...first, state: "succeeded" as const },
        { ...first, token: "other-token".padEnd(32, "x"), proposal: { ...first.proposal, id: "second" } },
      ],
    };
    expect(isSettled(partly, NOW)).toBe(false);
    expect(isSettled(partly, later)).toBe(true);
  });

  it("an approved or executing investigation, or one without proposals, is not settled", () => {
    const inv = investigation();
    expect(isSettled({ ...inv, status: "approved" }, later)).toBe(false);
    expect(isSettled({ ...inv, status: "executing" }, later)).toBe(false);
    expect(isSettled({ ...inv, proposals: [] }, later)).toBe(false);
  });
});

describe("decisions bound to where the proposal was posted", () => {
  const thread = { channel: "C1", threadTs: "100.1", statusTs: "100.1" };
  it("accepts only the recorded message, or the thread before a message is recorded", () => {
    const inv = { ...investigation(), thread };
    expect(
      placeMismatch(inv, { message: { channel: "C1", ts: "101.1" } }, { channel: "C1", messageTs: "101.1" }),
    ).toBeUndefined();
    expect(
      placeMismatch(
        inv,
        { message: { channel: "C1", ts: "101.1" } },
        { channel: "C1", messageTs: "102.1", threadTs: "100.1" },
      ),
    ).toMatch(/posted in C1\/101.1/);
    expect(placeMismatch(inv, {}, { channel: "C1", messageTs: "102.1", threadTs: "100.1" })).toBeUndefined();
    expect(placeMismatch(inv, {}, { channel: "C1", messageTs: "102.1", threadTs: "999.1" })).toMatch(
      /thread C1\/100.1/,
    );
    expect(placeMismatch(inv, {}, { channel: "C2", messageTs: "102.1", threadTs: "100.1" })).toBeDefined();
    const offSlack = { ...investigation(), trigger: trigger("a") };
    expect(placeMismatch(offSlack, {}, { channel: "C1", messageTs: "1" })).toMatch(/not posted in Slack/);
  });

  it("applyDecision refuses a misplaced click with wrong-message and changes nothing", () => {
    const inv = { ...investigation(), thread };
    const token = inv.proposals[0]?.token as string;
    expect(
      applyDecision(inv, token, "approve", "U1", NOW, { channel: "C1", threadTs: "555.5" }),
    ).toMatchObject({
      ok: false,
      reason: "wrong-message",
    });
  });
});
