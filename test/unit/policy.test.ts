import { describe, expect, it } from "vitest";
import { globMatch } from "../../src/config/glob.js";
import { defaultPolicy, parsePolicy } from "../../src/config/policy.js";
import { ConfigError } from "../../src/errors.js";

describe("policy file", () => {
  it("defaults to: triage anywhere, nobody approves, nothing automatic", () => {
    const policy = defaultPolicy();
    expect(policy.namespaces).toEqual(["*"]);
    expect(policy.approvers).toEqual([]);
    expect(policy.automatic).toEqual([]);
  });

  it("parses the documented example", () => {
    const policy = parsePolicy(`
namespaces: ["*"]
incidentChannels: ["C0INCIDENTS"]
routes:
  - {namespaces: ["prod-*"], channel: "C0PROD", notifyOnStart: true, notifyOnComplete: true}
approvers:
  - {namespaces: ["*"], users: ["U0ALICE"], groups: ["S0SRE"]}
remediation: {allowedActions: ["*"], maxRisk: medium, distinctApproverFor: [high], approvalTtlMinutes: 30}
automatic:
  - selector: {type: Warning, reason: FailedScheduling, kind: Pod, namespace: "a-team", message: "persistentvolumeclaim"}
    mode: automatic
    confidenceThreshold: 0.85
    maxRiskLevel: low
rateLimiting: {eventsPerMinute: 5, cooldownMinutes: 15}
`);
    expect(policy.routes[0]?.channel).toBe("C0PROD");
    expect(policy.automatic[0]?.mode).toBe("automatic");
    expect(policy.remediation.approvalTtlMinutes).toBe(30);
  });

  it("names the bad key and refuses unknown keys", () => {
    expect(() => parsePolicy("remediation: {maxRisk: extreme}")).toThrow(/remediation\.maxRisk/);
    expect(() => parsePolicy("aprovers: []")).toThrow(ConfigError);
    expect(() => parsePolicy("automatic: [{selector: {message: '(['}}]")).toThrow(/regular expression/);
  });

  it("matches namespace globs", () => {
    expect(globMatch("prod-*", "prod-api")).toBe(true);
    expect(globMatch("prod-*", "staging-api")).toBe(false);
    expect(globMatch("a.team", "a-team")).toBe(false);
  });
});
