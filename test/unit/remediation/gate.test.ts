import { describe, expect, it } from "vitest";
import { type Policy, parsePolicy } from "../../../src/config/policy.js";
import type { RemediationProposal } from "../../../src/domain/actions.js";
import { authorizeApprover, type GateContext, gateProposal } from "../../../src/remediation/gate.js";

const policy = parsePolicy(`
namespaces: ["prod-*", "a-team"]
approvers:
  - {namespaces: ["prod-*"], users: ["U0ALICE"], groups: ["S0SRE"], channels: ["C0PROD"]}
  - {namespaces: ["a-team"], users: ["U0BOB"]}
remediation: {allowedActions: ["set-resources", "create-pvc", "delete-pod", "rollback"], maxRisk: medium, distinctApproverFor: [medium, high]}
automatic:
  - selector: {reason: FailedScheduling}
    mode: automatic
`);

const proposal: RemediationProposal = {
  action: "set-resources",
  target: { kind: "Deployment", namespace: "prod-api", name: "analytics-service" },
  params: { container: "app", limits: { memory: "256Mi" } },
  id: "set-resources:prod-api/analytics-service/app",
  rootCauseId: "oom",
  risk: "medium",
  summary: "raise",
  change: "x",
  preconditions: { resourceVersion: "1" },
};
const ctx: GateContext = { investigatedNamespace: "prod-api", mode: "manual" };
const reason = (p: RemediationProposal, pol: Policy = policy, c = ctx) => {
  const decision = gateProposal(p, pol, c);
  return decision.allow ? "allow" : decision.reason;
};

describe("gateProposal", () => {
  it("allows a catalog proposal within policy", () => {
    expect(reason(proposal)).toBe("allow");
  });

  it("refuses a proposal that is not a catalog action", () => {
    const bad = {
      ...proposal,
      params: { container: "app", limits: { memory: "lots" } },
    } as RemediationProposal;
    expect(reason(bad)).toMatch(
      /^proposal set-resources:prod-api\/analytics-service\/app is not a catalog action \(params\.limits\.memory: must be a quantity/,
    );
  });

  it("refuses fields outside the schema (a model cannot smuggle extra params)", () => {
    const extra = { ...proposal, params: { ...proposal.params, command: ["sh"] } } as RemediationProposal;
    expect(reason(extra)).toBe(
      "proposal set-resources:prod-api/analytics-service/app carries fields outside the catalog schema for set-resources",
    );
  });

  it("refuses a target outside the investigated namespace", () => {
    expect(reason(proposal, policy, { ...ctx, investigatedNamespace: "prod-web" })).toBe(
      "proposal set-resources:prod-api/analytics-service/app targets namespace prod-api, but the investigation was of prod-web",
    );
  });

  it("accepts any policy namespace for an all-namespaces investigation", () => {
    expect(reason(proposal, policy, { ...ctx, investigatedNamespace: "*" })).toBe("allow");
    const elsewhere = { ...proposal, target: { ...proposal.target, namespace: "kube-system" } };
    expect(reason(elsewhere, policy, { ...ctx, investigatedNamespace: "*" })).toContain(
      "outside the policy's namespaces",
    );
  });

  it("refuses namespaces outside policy.namespaces", () => {
    const elsewhere = { ...proposal, target: { ...proposal.target, namespace: "kube-system" } };
    expect(reason(elsewhere, policy, { ...ctx, investigatedNamespace: "kube-system" })).toBe(
      "namespace kube-system is outside the policy's namespaces (prod-*, a-team)",
    );
  });

  it("refuses actions not in allowedActions", () => {
    const scale: RemediationProposal = {
      ...proposal,
      action: "scale",
      params: { replicas: 3 },
    } as RemediationProposal;
    expect(reason(scale)).toBe(
      "action scale is not in remediation.allowedActions (set-resources, create-pvc, delete-pod, rollback)",
    );
  });

  it("refuses a risk lower than the rule gives", () => {
    expect(reason({ ...proposal, risk: "low" })).toBe(
      "proposal set-resources:prod-api/analytics-service/app claims risk low, but set-resources is at least medium",
    );
  });

  it("refuses risk above maxRisk", () => {
    const pod: RemediationProposal = {
      ...proposal,
      action: "delete-pod",
      target: { kind: "Pod", namespace: "prod-api", name: "web-1" },
      params: {},
      id: "delete-pod:prod-api/web-1",
      risk: "high",
    } as RemediationProposal;
    expect(reason(pod)).toBe("risk high of delete-pod:prod-api/web-1 is above remediation.maxRisk (medium)");
  });

  it("refuses automatic mode when no selector is automatic", () => {
    const manualOnly = parsePolicy("automatic: []");
    expect(reason(proposal, manualOnly, { ...ctx, mode: "automatic" })).toBe(
      "the policy has no selector in automatic mode, so nothing runs without approval",
    );
    expect(reason(proposal, policy, { ...ctx, mode: "automatic" })).toBe("allow");
  });
});

describe("authorizeApprover", () => {
  const base = { userGroups: [], channel: "C0PROD", namespace: "prod-api", risk: "low" as const };
  const answer = (request: Parameters<typeof authorizeApprover>[1], ...pol: [Policy | undefined] | []) => {
    const decision = authorizeApprover(pol.length === 0 ? policy : pol[0], request);
    return decision.allow ? "allow" : decision.reason;
  };

  it("allows listed users and group members", () => {
    expect(answer({ ...base, userId: "U0ALICE" })).toBe("allow");
    expect(answer({ ...base, userId: "U0CAROL", userGroups: ["S0SRE"] })).toBe("allow");
  });

  it("names the approvers when the user is not one", () => {
    expect(answer({ ...base, userId: "U123" })).toBe(
      "U123 is not an approver for namespace prod-api (approvers: U0ALICE, group S0SRE)",
    );
    expect(answer({ ...base, userId: "U0BOB" })).toBe(
      "U0BOB is not an approver for namespace prod-api (approvers: U0ALICE, group S0SRE)",
    );
  });

  it("scopes approvers by namespace", () => {
    expect(answer({ ...base, userId: "U0BOB", namespace: "a-team" })).toBe("allow");
    expect(answer({ ...base, userId: "U0ALICE", namespace: "a-team" })).toBe(
      "U0ALICE is not an approver for namespace a-team (approvers: U0BOB)",
    );
    expect(answer({ ...base, userId: "U0ALICE", namespace: "b-team" })).toBe(
      "no approver rule covers namespace b-team",
    );
  });

  it("enforces channels when a rule names them", () => {
    expect(answer({ ...base, userId: "U0ALICE", channel: "C0RANDOM" })).toBe(
      "approvals for namespace prod-api are only accepted in C0PROD (this was C0RANDOM)",
    );
    const { channel: _omit, ...noChannel } = base;
    expect(answer({ ...noChannel, userId: "U0ALICE" })).toBe(
      "approvals for namespace prod-api are only accepted in C0PROD (this was no channel)",
    );
  });

  it("requires a distinct approver for the configured risks only", () => {
    expect(answer({ ...base, userId: "U0ALICE", requestedBy: "U0ALICE", risk: "medium" })).toBe(
      "U0ALICE requested this medium-risk action and may not approve it; another approver must",
    );
    expect(answer({ ...base, userId: "U0ALICE", requestedBy: "U0ALICE", risk: "low" })).toBe("allow");
    expect(answer({ ...base, userId: "U0ALICE", requestedBy: "U0CAROL", risk: "high" })).toBe("allow");
  });

  it("lets nobody approve without a policy", () => {
    expect(answer({ ...base, userId: "U0ALICE" }, undefined)).toBe(
      "no approvers are configured, so nobody may approve remediations",
    );
    expect(answer({ ...base, userId: "U0ALICE" }, parsePolicy(""))).toBe(
      "no approvers are configured, so nobody may approve remediations",
    );
  });
});
