import { describe, expect, it } from "vitest";
import { offerable } from "../../../src/agent/changes.js";
import { defaultPolicy, parsePolicy } from "../../../src/config/policy.js";
import type { RemediationProposal } from "../../../src/domain/actions.js";
import type { RcaReport } from "../../../src/domain/rca.js";
import { gateProposal } from "../../../src/remediation/gate.js";
import { proposalMessages } from "../../../src/slack/blocks/proposal.js";
import { rcaMessage } from "../../../src/slack/blocks/rca.js";

const base: RemediationProposal = {
  action: "rollback",
  target: { kind: "Deployment", namespace: "shop-web", name: "web" },
  params: { toRevision: 11 },
  id: "rollback:shop-web/web",
  rootCauseId: "image-pull:Deployment/shop-web/web",
  risk: "medium",
  summary: "Set web back to 3.4.2",
  change: "spec.template.spec.containers[web].image: ghcr.io/acme/web:3.5.0 -> ghcr.io/acme/web:3.4.2",
  preconditions: {},
};
const argo: RemediationProposal = {
  ...base,
  managedBy: {
    tool: "argocd",
    owner: "shop-web",
    ownerNamespace: "argocd",
    warning: "Deployment web is managed by Argo CD Application argocd/shop-web: commit the change to Git",
    humanCommands: ["argocd app set shop-web --sync-policy none"],
    gitPatch:
      "--- a/apps/shop-web/web.yaml\n+++ b/apps/shop-web/web.yaml\n-        image: ghcr.io/acme/web:3.5.0\n+        image: ghcr.io/acme/web:3.4.2",
  },
};
const ctx = { investigatedNamespace: "shop-web", mode: "manual" as const };

describe("managed targets", () => {
  it("the policy gate refuses a live patch of a GitOps-managed object unless gitOpsLivePatch allows it", () => {
    expect(gateProposal(base, defaultPolicy(), ctx)).toEqual({ allow: true });
    const refused = gateProposal(argo, defaultPolicy(), ctx);
    expect(refused.allow).toBe(false);
    expect(refused.allow === false && refused.reason).toContain("commit the Git patch instead");
    expect(gateProposal(argo, parsePolicy("remediation:\n  gitOpsLivePatch: true\n"), ctx)).toEqual({
      allow: true,
    });
    // Helm-managed objects are offered (with the warning): a helm upgrade is not a controller loop.
    const helm = {
      ...base,
      managedBy: { tool: "helm" as const, owner: "web", warning: "w", humanCommands: [] },
    };
    expect(gateProposal(helm, defaultPolicy(), ctx)).toEqual({ allow: true });
  });

  it("the RCA moves the live patch to dropped and Slack shows the changes, the Git patch and the warning", () => {
    const report: RcaReport = {
      source: "deterministic",
      summary: "web cannot pull its image",
      severity: "P2",
      rootCauses: [
        {
          category: "image-pull",
          name: "image-pull in Deployment shop-web/web",
          summary: "web cannot pull ghcr.io/acme/web:3.5.0",
          resource: base.target,
          affected: [],
          evidence: [{ quote: "Failed to pull image", source: "triage" }],
          confidence: 0.95,
          changes: [
            {
              at: "2026-01-15T14:21:00Z",
              kind: "rollout",
              resource: base.target,
              manager: "argocd-controller",
              summary: "image ghcr.io/acme/web 3.4.2 → 3.5.0",
              details: [],
              beforeFailureSeconds: 10,
              lead: "image ghcr.io/acme/web 3.4.2 → 3.5.0 by argocd-controller, within a minute of the first pull failure",
            },
          ],
        },
      ],
      hypothesesRejected: [],
      proposals: [argo],
      dropped: [],
      validationPlan: ["Deployment shop-web/web reports 3/3 ready"],
      manualChanges: [
        {
          proposalId: argo.id,
          rootCauseId: argo.rootCauseId,
          target: argo.target,
          summary: argo.summary,
          managedBy: argo.managedBy!,
        },
      ],
    };
    const gated = offerable(report, defaultPolicy());
    expect(gated.proposals).toEqual([]);
    expect(gated.dropped).toEqual([
      expect.objectContaining({ description: "rollback:shop-web/web (live patch)" }),
    ]);
    const slack = JSON.stringify(
      rcaMessage({
        id: "inv-1",
        trigger: { source: "slash-command", namespace: "shop-web" },
        status: "complete",
        rca: gated,
        proposals: [],
      } as never),
    );
    expect(slack).toContain("by argocd-controller, within a minute of the first pull failure");
    expect(slack).toContain("+        image: ghcr.io/acme/web:3.4.2");
    expect(slack).toContain("argocd app set shop-web --sync-policy none");
    const card = JSON.stringify(
      proposalMessages(
        { proposal: argo, token: "t", state: "pending", expiresAt: "2999-01-01T00:00:00Z" } as never,
        { index: 0, total: 1 },
        new Date("2026-01-15T14:30:00Z"),
      ),
    );
    expect(card).toContain("managed by Argo CD Application argocd/shop-web");
  });
});
