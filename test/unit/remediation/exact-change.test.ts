import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildRequest, proposalFromAction } from "../../../src/remediation/catalog.js";
import { proposalMessages } from "../../../src/slack/blocks/proposal.js";
import { escapeMrkdwn } from "../../../src/slack/mrkdwn.js";

describe("create-pvc shows the manifest it creates", () => {
  it("the card's change is the YAML of exactly the object the executor POSTs", () => {
    const action = {
      action: "create-pvc" as const,
      target: { kind: "PersistentVolumeClaim" as const, namespace: "a-team", name: "postgres-pvc" },
      params: { storageClassName: "standard", size: "10Gi", accessModes: ["ReadWriteOnce" as const] },
    };
    const proposal = proposalFromAction(action, undefined, "missing-pvc:Deployment/a-team/postgres-db");
    const request = buildRequest(action, undefined, {});
    expect(request.method).toBe("POST");
    expect(parse(proposal.change)).toEqual(request.body);
    const [card] = proposalMessages(
      { proposal, token: "t".repeat(32), state: "pending", expiresAt: "2030-01-01T00:00:00Z" },
      { index: 0, total: 1 },
      new Date("2026-01-01T00:00:00Z"),
    );
    const section = card?.blocks[0];
    const text = section?.type === "section" ? (section.text?.text ?? "") : "";
    expect(text).toContain(`\`\`\`${escapeMrkdwn(proposal.change)}\`\`\``);
    expect(text).toContain("storage: 10Gi");
    expect(text).toContain("k8s-triage-bot/created-by: create-pvc");
  });
});
