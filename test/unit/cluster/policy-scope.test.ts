import { describe, expect, it } from "vitest";
import { channelCluster, policyForCluster } from "../../../src/cluster/index.js";
import { parsePolicy } from "../../../src/config/policy.js";
import { authorizeApprover } from "../../../src/remediation/gate.js";

const policy = parsePolicy(`
namespaces: ["*"]
channels:
  - {channel: C0EU, cluster: eu-1}
routes:
  - {namespaces: ["prod-*"], channel: C0EUPROD, clusters: ["eu-*"]}
  - {namespaces: ["*"], channel: C0ALL}
approvers:
  - {namespaces: ["*"], users: [U0ALICE], clusters: ["eu-*"]}
  - {namespaces: ["*"], users: [U0BOB]}
automatic:
  - selector: {reason: FailedScheduling}
    mode: automatic
    clusters: ["staging"]
clusterPolicies:
  - clusters: ["eu-*"]
    namespaces: ["prod-*"]
    remediation: {maxRisk: low, approvalTtlMinutes: 10}
`);

describe("policyForCluster", () => {
  it("keeps the rules whose clusters match (absent = all) and applies the first override", () => {
    const eu = policyForCluster(policy, "eu-1");
    expect(eu.routes.map((route) => route.channel)).toEqual(["C0EUPROD", "C0ALL"]);
    expect(eu.approvers.flatMap((rule) => rule.users)).toEqual(["U0ALICE", "U0BOB"]);
    expect(eu.automatic).toEqual([]);
    expect(eu.namespaces).toEqual(["prod-*"]);
    expect(eu.remediation).toMatchObject({ maxRisk: "low", approvalTtlMinutes: 10, settleSeconds: 120 });

    const us = policyForCluster(policy, "us-1");
    expect(us.routes.map((route) => route.channel)).toEqual(["C0ALL"]);
    expect(us.approvers.flatMap((rule) => rule.users)).toEqual(["U0BOB"]);
    expect(us.namespaces).toEqual(["*"]);
    expect(us.remediation.maxRisk).toBe("medium");
    expect(policyForCluster(policy, "staging").automatic).toHaveLength(1);
  });

  it("makes an approver scoped to eu-* unable to approve anything on us-1", () => {
    const request = {
      userId: "U0ALICE",
      userGroups: [],
      channel: "C0OPS",
      namespace: "prod-api",
      risk: "low" as const,
    };
    expect(authorizeApprover(policyForCluster(policy, "eu-1"), request).allow).toBe(true);
    expect(authorizeApprover(policyForCluster(policy, "us-1"), request).allow).toBe(false);
  });

  it("names a channel's default cluster", () => {
    expect(channelCluster(policy, "C0EU")).toBe("eu-1");
    expect(channelCluster(policy, "C0OPS")).toBeUndefined();
  });
});

describe("CLUSTERS", () => {
  it("lists the configured clusters and refuses names that cannot be scopes", async () => {
    const { configuredClusters } = await import("../../../src/server/central.js");
    expect(configuredClusters({ CLUSTERS: " eu-1, us-1 ,," })).toEqual(["eu-1", "us-1"]);
    expect(configuredClusters({ CLUSTERS: undefined })).toEqual([]);
    expect(() => configuredClusters({ CLUSTERS: "eu-1,EU_2,token" })).toThrow(
      /EU_2.*DNS label.*token.*reserved/,
    );
  });
});
