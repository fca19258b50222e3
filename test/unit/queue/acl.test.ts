import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ACL_COMMAND_RULES,
  aclFileLine,
  aclSetUserLine,
  agentAclRules,
  centralAclRules,
} from "../../../src/queue/acl.js";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("ACL rules", () => {
  it("confine an agent to its cluster's keys and channels, plain and hash-tagged", () => {
    const rules = agentAclRules({ user: "agent-eu-1", base: "k8s-triage", cluster: "eu-1", password: "pw" });
    expect(rules).toEqual([
      "reset",
      "on",
      `#${sha("pw")}`,
      "~k8s-triage:eu-1:*",
      "~{k8s-triage:eu-1}:*",
      "&k8s-triage:eu-1:*",
      "&{k8s-triage:eu-1}:*",
      ...ACL_COMMAND_RULES,
    ]);
    expect(rules.join(" ")).not.toContain("pw ");
    expect(aclSetUserLine("agent-eu-1", rules)).toMatch(/^ACL SETUSER agent-eu-1 reset on #[0-9a-f]{64} ~/);
    expect(aclFileLine("agent-eu-1", rules)).toMatch(/^user agent-eu-1 on #[0-9a-f]{64} ~k8s-triage:eu-1:\*/);
  });

  it("give the central user every scope under the base prefix", () => {
    const rules = centralAclRules({ user: "central", base: "k8s-triage" });
    expect(rules.filter((rule) => rule.startsWith("~"))).toEqual([
      "~k8s-triage:*",
      "~{k8s-triage}:*",
      "~{k8s-triage:*",
    ]);
    expect(rules).not.toContain("nopass");
  });

  it("refuse names that would widen a pattern, and the default cluster's agent", () => {
    expect(() => agentAclRules({ user: "a", base: "k8s-triage", cluster: "eu-*" })).toThrow(/DNS label/);
    expect(() => agentAclRules({ user: "a", base: "k8s*", cluster: "eu-1" })).toThrow(/prefix/);
    expect(() => agentAclRules({ user: "a b", base: "k8s-triage", cluster: "eu-1" })).toThrow(/user name/);
    expect(() => agentAclRules({ user: "a", base: "k8s-triage", cluster: "default" })).toThrow(
      /create a central user/,
    );
    expect(() => agentAclRules({ user: "a", base: "k8s-triage", cluster: "inv" })).toThrow(/reserved/);
  });

  it("add extra key patterns under the base prefix only", () => {
    const rules = agentAclRules({
      user: "a",
      base: "k8s-triage",
      cluster: "eu-1",
      extraKeys: ["k8s-triage:agents:eu-1", "{k8s-triage}:agents:eu-1"],
    });
    expect(rules).toContain("~k8s-triage:agents:eu-1");
    expect(rules).toContain("~{k8s-triage}:agents:eu-1");
    expect(() => agentAclRules({ user: "a", base: "k8s-triage", cluster: "eu-1", extraKeys: ["*"] })).toThrow(
      /must start with "k8s-triage:"/,
    );
  });
});
