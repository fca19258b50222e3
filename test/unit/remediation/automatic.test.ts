import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import type { RemediationProposal } from "../../../src/domain/actions.js";
import {
  type AutomaticHistory,
  type AutomaticInput,
  automaticDecision,
  recordAutomatic,
} from "../../../src/remediation/automatic.js";

const policy = parsePolicy(`
namespaces: ["*"]
remediation: {maxRisk: medium}
automatic:
  - selector: {type: Warning, reason: BackOff, kind: Pod, namespace: "prod-*"}
    mode: manual
  - selector: {type: Warning, reason: FailedScheduling, kind: Pod, namespace: "a-*", message: "persistentvolumeclaim"}
    mode: automatic
    confidenceThreshold: 0.85
    maxRiskLevel: low
    eventsPerMinute: 2
    cooldownMinutes: 10
rateLimiting: {eventsPerMinute: 3, cooldownMinutes: 15}
`);

const proposal: RemediationProposal = {
  action: "create-pvc",
  target: { kind: "PersistentVolumeClaim", namespace: "a-team", name: "postgres-pvc" },
  params: { storageClassName: "standard", size: "1Gi", accessModes: ["ReadWriteOnce"] },
  id: "create-pvc:a-team/postgres-pvc",
  rootCauseId: "missing-pvc:x",
  risk: "low",
  summary: "s",
  change: "c",
  preconditions: { mustNotExist: true },
};

const now = "2026-11-21T09:00:00.000Z";
const input = (overrides: Partial<AutomaticInput> = {}): AutomaticInput => ({
  policy,
  event: {
    type: "Warning",
    reason: "FailedScheduling",
    kind: "Pod",
    namespace: "a-team",
    message: 'persistentvolumeclaim "postgres-pvc" not found',
  },
  rootCause: { category: "missing-pvc", confidence: 0.95 },
  proposal,
  now,
  history: { runs: [] },
  ...overrides,
});
const reason = (overrides: Partial<AutomaticInput> = {}) => automaticDecision(input(overrides)).reason;
const ago = (minutes: number) => new Date(Date.parse(now) - minutes * 60_000).toISOString();

describe("automaticDecision", () => {
  it("allows a matching selector within thresholds and says why", () => {
    const decision = automaticDecision(input());
    expect(decision).toEqual({
      allow: true,
      reason:
        "automatic: selector #1 matched FailedScheduling in a-team, confidence 0.95 ≥ 0.85, risk low ≤ low",
      selector: 1,
      record: {
        at: now,
        selector: 1,
        target: "PersistentVolumeClaim a-team/postgres-pvc",
        proposalId: proposal.id,
      },
    });
  });

  it("denies when no selector matches (each field counts)", () => {
    const event = input().event;
    expect(reason({ event: { ...event, namespace: "b-team" } })).toBe(
      "manual: no selector matches FailedScheduling Pod in b-team",
    );
    expect(reason({ event: { ...event, message: "0/3 nodes are available: insufficient cpu" } })).toContain(
      "no selector matches",
    );
    expect(reason({ event: { ...event, type: "Normal" } })).toContain("no selector matches");
    expect(reason({ event: { ...event, kind: "Deployment" } })).toContain("no selector matches");
  });

  it("denies when only a manual selector matches", () => {
    const event = {
      type: "Warning",
      reason: "BackOff",
      kind: "Pod",
      namespace: "prod-api",
      message: "back-off",
    };
    expect(reason({ event })).toBe(
      "manual: selector #0 matches BackOff Pod in prod-api but is in manual mode",
    );
  });

  it("honours the confidence threshold", () => {
    expect(reason({ rootCause: { category: "missing-pvc", confidence: 0.8 } })).toBe(
      "manual: confidence 0.8 < 0.85 (selector #1)",
    );
    expect(automaticDecision(input({ rootCause: { category: "missing-pvc", confidence: 0.85 } })).allow).toBe(
      true,
    );
  });

  it("honours the selector's risk cap", () => {
    const medium: RemediationProposal = {
      ...proposal,
      action: "rollout-restart",
      target: { kind: "Deployment", namespace: "a-team", name: "db" },
      params: {},
      id: "rollout-restart:a-team/db",
      risk: "medium",
    } as RemediationProposal;
    expect(reason({ proposal: medium })).toBe("manual: risk medium > low (selector #1)");
  });

  it("applies the policy gate (namespace of the event, catalog)", () => {
    const elsewhere = { ...proposal, target: { ...proposal.target, namespace: "a-other" } };
    expect(reason({ proposal: elsewhere })).toContain(
      "targets namespace a-other, but the investigation was of a-team",
    );
  });

  it("honours the per-selector rate limit", () => {
    const history: AutomaticHistory = {
      runs: [
        { at: ago(0.5), selector: 1, target: "PersistentVolumeClaim a-team/one", proposalId: "p1" },
        { at: ago(0.2), selector: 1, target: "PersistentVolumeClaim a-team/two", proposalId: "p2" },
      ],
    };
    expect(reason({ history })).toBe("manual: selector #1 already ran 2 times in the last minute (limit 2)");
    const older = { runs: history.runs.map((run, i) => ({ ...run, at: ago(1 + i) })) };
    expect(automaticDecision(input({ history: older })).allow).toBe(true);
  });

  it("honours the global rate limit", () => {
    const history: AutomaticHistory = {
      runs: [0.1, 0.2, 0.3].map((minutes, i) => ({
        at: ago(minutes),
        selector: 9,
        target: `Deployment a-team/w${i}`,
        proposalId: `p${i}`,
      })),
    };
    expect(reason({ history })).toBe(
      "manual: 3 automatic runs in the last minute (rateLimiting.eventsPerMinute 3)",
    );
  });

  it("honours the per-target cooldown (selector's, else the global one)", () => {
    const history: AutomaticHistory = {
      runs: [
        { at: ago(4), selector: 1, target: "PersistentVolumeClaim a-team/postgres-pvc", proposalId: "p" },
      ],
    };
    expect(reason({ history })).toBe(
      `manual: PersistentVolumeClaim a-team/postgres-pvc was changed automatically at ${ago(4)}; cooldown 10 min (6 min left)`,
    );
    const past: AutomaticHistory = { runs: [{ ...history.runs[0]!, at: ago(11) }] };
    expect(automaticDecision(input({ history: past })).allow).toBe(true);
  });

  it("does nothing automatically under the default policy", () => {
    expect(reason({ policy: parsePolicy("") })).toBe(
      "manual: no selector matches FailedScheduling Pod in a-team",
    );
  });
});

describe("recordAutomatic", () => {
  it("appends the run and forgets runs older than every window", () => {
    const old = { at: ago(30), selector: 1, target: "x", proposalId: "old" };
    const kept = { at: ago(5), selector: 1, target: "y", proposalId: "kept" };
    const record = { at: now, selector: 1, target: "z", proposalId: "new" };
    expect(recordAutomatic(policy, { runs: [old, kept] }, record)).toEqual({ runs: [kept, record] });
  });
});
