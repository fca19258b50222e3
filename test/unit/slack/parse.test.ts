import { describe, expect, it } from "vitest";
import { defaultPolicy, parsePolicy } from "../../../src/config/policy.js";
import { parseAlertMessage } from "../../../src/slack/alerts.js";
import { MAX_DESCRIPTION, parseTriageCommand } from "../../../src/slack/command-parse.js";

describe("parseAlertMessage", () => {
  it("reads Alertmanager's default title with namespace/workload", () => {
    const alert = parseAlertMessage({
      attachments: [
        {
          title: "[FIRING:1] KubePodCrashLooping (prod-api/api-gateway)",
          text: "Pod is crash looping.",
          fallback: "[FIRING:1] KubePodCrashLooping",
        },
      ],
    });
    expect(alert).toMatchObject({
      status: "firing",
      alertname: "KubePodCrashLooping",
      namespace: "prod-api",
      deployment: "api-gateway",
      target: { kind: "Deployment", namespace: "prod-api", name: "api-gateway" },
    });
  });

  it("recognises a pod name in the title as a pod", () => {
    const alert = parseAlertMessage({ text: "[FIRING:2] KubePodNotReady (shop/api-7d9f8c6b5d-x2x7q)" });
    expect(alert?.target).toEqual({ kind: "Pod", namespace: "shop", name: "api-7d9f8c6b5d-x2x7q" });
  });

  it("reads labels written as key=value and as *key:* value, which win over the title", () => {
    const alert = parseAlertMessage({
      attachments: [
        {
          title: "[FIRING:1] KubeDeploymentReplicasMismatch",
          text: "*Labels:*\n• *alertname:* KubeDeploymentReplicasMismatch\n• *namespace:* `payments`\n• *deployment:* checkout",
        },
      ],
    });
    expect(alert).toMatchObject({
      namespace: "payments",
      deployment: "checkout",
      alertname: "KubeDeploymentReplicasMismatch",
    });
    const kv = parseAlertMessage({
      text: 'ALERT HighErrorRate namespace="prod-api" pod=web-0 severity=critical',
    });
    expect(kv).toMatchObject({ namespace: "prod-api", pod: "web-0", target: { kind: "Pod", name: "web-0" } });
  });

  it("reads attachment fields titled with a label", () => {
    const alert = parseAlertMessage({
      attachments: [
        {
          title: "High memory",
          fields: [
            { title: "Namespace", value: "`staging`" },
            { title: "Pod", value: "worker-5c6b7d8f9-m4n5p" },
          ],
        },
      ],
    });
    expect(alert).toMatchObject({ namespace: "staging", pod: "worker-5c6b7d8f9-m4n5p" });
  });

  it("marks resolved alerts and unescapes Slack's entities", () => {
    expect(parseAlertMessage({ text: "[RESOLVED] KubePodCrashLooping (prod-api/api)" })?.status).toBe(
      "resolved",
    );
    expect(parseAlertMessage({ text: "namespace=&lt;none&gt;" })).toBeUndefined();
  });

  it("ignores messages without a valid namespace", () => {
    expect(parseAlertMessage({ text: "deploy finished" })).toBeUndefined();
    expect(parseAlertMessage({ text: "namespace=Prod_API" })).toBeUndefined();
    expect(parseAlertMessage({})).toBeUndefined();
  });
});

describe("parseTriageCommand", () => {
  const policy = defaultPolicy();

  it("understands help, status and namespace with a description", () => {
    expect(parseTriageCommand("help", policy)).toEqual({ kind: "help" });
    expect(parseTriageCommand("  status ", policy)).toEqual({ kind: "status" });
    expect(parseTriageCommand("prod-api", policy)).toEqual({ kind: "investigate", namespace: "prod-api" });
    expect(parseTriageCommand("prod-api  checkout   502s", policy)).toEqual({
      kind: "investigate",
      namespace: "prod-api",
      text: "checkout   502s",
    });
  });

  it.each(["", "   ", "Prod_API", "-bad", "a".repeat(64), "prod.api"])("refuses %j with a reason", (text) => {
    const parsed = parseTriageCommand(text, policy);
    expect(parsed.kind).toBe("invalid");
  });

  it("refuses namespaces the policy does not allow, naming the allowed globs", () => {
    const restricted = parsePolicy("namespaces: ['prod-*', 'staging']");
    expect(parseTriageCommand("kube-system", restricted)).toEqual({
      kind: "invalid",
      problem: "Triage is not allowed in namespace kube-system by policy (allowed: prod-*, staging).",
    });
    expect(parseTriageCommand("prod-api", restricted).kind).toBe("investigate");
  });

  it("refuses an over-long description instead of cutting it", () => {
    const parsed = parseTriageCommand(`prod-api ${"x".repeat(MAX_DESCRIPTION + 1)}`, policy);
    expect(parsed.kind).toBe("invalid");
  });
});

describe("parseTriageCommand with clusters", () => {
  const open = { namespaces: ["*"] };
  it("reads --cluster NAME anywhere, --cluster=NAME, and NAME/namespace", () => {
    expect(parseTriageCommand("prod-api --cluster eu-1", open)).toEqual({
      kind: "investigate",
      namespace: "prod-api",
      cluster: "eu-1",
    });
    expect(parseTriageCommand("prod-api 502s since 10:05 --cluster=us-1", open)).toEqual({
      kind: "investigate",
      namespace: "prod-api",
      text: "502s since 10:05",
      cluster: "us-1",
    });
    expect(parseTriageCommand("eu-1/prod-api checkout fails", open)).toEqual({
      kind: "investigate",
      namespace: "prod-api",
      text: "checkout fails",
      cluster: "eu-1",
    });
  });

  it("refuses a missing, malformed or conflicting cluster", () => {
    expect(parseTriageCommand("prod-api --cluster", open)).toMatchObject({ kind: "invalid" });
    expect(parseTriageCommand("prod-api --cluster EU_1", open)).toMatchObject({ kind: "invalid" });
    expect(parseTriageCommand("eu-1/prod-api --cluster us-1", open)).toMatchObject({
      kind: "invalid",
      problem: expect.stringContaining("Two clusters"),
    });
  });
});
