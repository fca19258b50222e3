import { afterEach, describe, expect, it } from "vitest";
import { investigateWithModel } from "../../../src/agent/investigate.js";
import { investigationTools } from "../../../src/agent/tools/index.js";
import { defaultPolicy, parsePolicy } from "../../../src/config/policy.js";
import type { TriageResult } from "../../../src/domain/types.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { createClusterReader, type KubeClusterReader } from "../../../src/k8s/kube-reader.js";
import { renderMarkdown } from "../../../src/report/markdown.js";
import { renderText } from "../../../src/report/text.js";
import { isMutating, type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { loadScenarioText } from "../../../src/sim/scenarios/index.js";
import { parseStateFile } from "../../../src/sim/state-file.js";
import { triage } from "../../../src/triage/index.js";

/**
 * "What changed": the three change scenarios through the simulated API server, the read-only
 * reader and the collector, as the worker runs them. The RCA must name the change with its time
 * and manager, and the server's request log must show Secrets were only ever listed as metadata.
 */

let sim: SimCluster | undefined;
let reader: KubeClusterReader | undefined;
afterEach(async () => {
  reader?.close();
  await sim?.close();
  sim = undefined;
  reader = undefined;
});

async function run(scenario: string, namespace: string): Promise<TriageResult> {
  sim = await startSimCluster({ state: parseStateFile(loadScenarioText(scenario), scenario), port: 0 });
  reader = createClusterReader(sim.kubeConfig("reader"));
  sim.clearRequests();
  const snapshot = await collectSnapshot(reader, { namespace }, { now: sim.clock.now() });
  return triage(snapshot);
}

/** Every request on Secrets by the analysis identity: a list, as PartialObjectMetadata, answered 200. */
function expectMetadataOnlySecretReads(cluster: SimCluster): void {
  const onSecrets = cluster.requests.filter((request) => request.resource === "secrets");
  expect(onSecrets.length).toBeGreaterThan(0);
  for (const request of onSecrets) {
    expect(request.verb).toBe("list");
    expect(request.form).toBe("metadata");
    expect(request.status).toBe(200);
  }
  expect(cluster.requests.filter((request) => isMutating(request))).toEqual([]);
  expect(new Set(cluster.requests.map((request) => request.identity))).toEqual(new Set(["reader"]));
}

const policy = () => defaultPolicy();
const trigger = (namespace: string) => ({
  source: "cli" as const,
  namespace,
  receivedAt: "2026-01-15T14:30:00Z",
});

describe("what changed before it broke", () => {
  it("failed Helm upgrade: the release is a root cause, the crash names the image change by helm", async () => {
    const result = await run("helm-upgrade-failed", "checkout");
    const crash = result.rootCauses.find((c) => c.category === "crash-loop");
    const release = result.rootCauses.find((c) => c.category === "helm-release-failed");
    expect(crash?.resource).toEqual({ kind: "Deployment", namespace: "checkout", name: "checkout-api" });
    expect(release?.summary).toContain("Helm release checkout revision 7 failed");
    expect(release?.commands).toContain("helm rollback checkout 6 -n checkout");
    const lead = crash?.changes?.[0];
    expect(lead).toMatchObject({ kind: "rollout", manager: "helm", at: "2026-01-15T14:22:00Z" });
    expect(lead?.lead).toBe(
      "image ghcr.io/acme/checkout-api 2.1.0 → 2.1.1 by helm, within a minute of the first crash",
    );
    // The change explains the crash, so the engine offers the rollback to the revision before it…
    const rollback = result.remediations.find((p) => p.action === "rollback");
    expect(rollback?.params).toEqual({ toRevision: 6 });
    // …and says that Helm would overwrite it, with the helm rollback a human can run instead.
    expect(rollback?.managedBy?.tool).toBe("helm");
    expect(rollback?.managedBy?.warning).toContain("helm upgrade overwrites this live patch");
    expect(rollback?.managedBy?.humanCommands).toEqual(["helm rollback checkout 6 -n checkout"]);
    expect(renderText(result)).toContain(
      "changed before it: image ghcr.io/acme/checkout-api 2.1.0 → 2.1.1 by helm",
    );
    expectMetadataOnlySecretReads(sim as SimCluster);
    const rca = await investigateWithModel({
      reader: reader as KubeClusterReader,
      triage: result,
      trigger: trigger("checkout"),
      policy: policy(),
      config: { apiKey: "" },
    });
    expect(rca.rootCauses.map((c) => c.category)).toEqual(
      expect.arrayContaining(["crash-loop", "helm-release-failed"]),
    );
    expect(rca.rootCauses[0]?.changes?.[0]?.lead).toContain("by helm");
    // Helm-managed: still offered live (with the warning), and the helm rollback listed for a human.
    expect(rca.proposals.map((p) => p.id)).toContain("rollback:checkout/checkout-api");
    expect(rca.manualChanges?.[0]?.managedBy.humanCommands).toEqual(["helm rollback checkout 6 -n checkout"]);
  });

  it("Argo CD rolled a bad image: the fix is a Git patch, not a live patch the controller reverts", async () => {
    const result = await run("argo-bad-image", "shop-web");
    const pull = result.rootCauses.find((c) => c.category === "image-pull");
    expect(pull?.changes?.[0]).toMatchObject({ manager: "argocd-controller", at: "2026-01-15T14:21:00Z" });
    expect(pull?.changes?.[0]?.lead).toBe(
      "image ghcr.io/acme/web 3.4.2 → 3.5.0 by argocd-controller, within a minute of the first pull failure",
    );
    const app = result.rootCauses.find((c) => c.category === "gitops-sync-failed");
    expect(app?.resource).toEqual({ kind: "Application", namespace: "argocd", name: "shop-web" });
    expect(app?.summary).toContain('Deployment "web" exceeded its progress deadline');
    // The Application lives in argocd; the damage is in shop-web only.
    expect(result.blastRadius).toBe("single-namespace");
    const rollback = result.remediations.find((p) => p.action === "rollback");
    expect(rollback?.managedBy?.tool).toBe("argocd");
    expect(rollback?.managedBy?.gitPatch).toContain(
      "# repository: https://github.com/acme/shop-deploy.git (main)",
    );
    expect(rollback?.managedBy?.gitPatch).toContain("--- a/apps/shop-web/web.yaml");
    expect(rollback?.managedBy?.gitPatch).toContain(
      "-        image: ghcr.io/acme/web:3.5.0\n+        image: ghcr.io/acme/web:3.4.2",
    );
    expect(renderMarkdown(result)).toContain("```diff");
    expectMetadataOnlySecretReads(sim as SimCluster);

    const input = {
      reader: reader as KubeClusterReader,
      triage: result,
      trigger: trigger("shop-web"),
      config: { apiKey: "" },
    };
    // Default policy: no live patch of a GitOps-managed object; the Git patch is the offer.
    const strict = await investigateWithModel({ ...input, policy: policy() });
    expect(strict.proposals).toEqual([]);
    expect(strict.dropped[0]?.reason).toContain("managed by Argo CD Application shop-web");
    expect(strict.manualChanges?.[0]?.managedBy.gitPatch).toContain("+        image: ghcr.io/acme/web:3.4.2");
    // With remediation.gitOpsLivePatch the live rollback is offered, carrying the revert warning.
    const lax = await investigateWithModel({
      ...input,
      policy: parsePolicy("remediation:\n  gitOpsLivePatch: true\n"),
    });
    expect(lax.proposals[0]?.managedBy?.warning).toContain(
      "reverted at the next sync unless sync is suspended",
    );
  });

  it("ConfigMap edited three minutes before the crash-loop: named with its key, time and manager", async () => {
    const result = await run("configmap-edited", "orders");
    const crash = result.rootCauses.find((c) => c.category === "crash-loop");
    expect(crash?.changes?.map((c) => c.lead)).toEqual([
      "ConfigMap orders-config changed (data.DB_POOL_SIZE) by kubectl-edit, 3 min before the first crash",
    ]);
    expect(crash?.changes?.[0]?.at).toBe("2026-01-15T14:24:00Z");
    // The restart that made the pods read it is on the timeline, but it is not the explanation.
    expect(result.changes?.map((c) => `${c.at} ${c.summary} ${c.manager}`)).toEqual([
      "2026-01-15T14:24:00Z ConfigMap orders-config changed (data.DB_POOL_SIZE) kubectl-edit",
      "2026-01-15T14:27:00Z rollout restart (revision 4 → 5) kubectl-rollout",
    ]);
    expectMetadataOnlySecretReads(sim as SimCluster);
  });

  it("change_timeline tool: the same timeline for Claude, Secrets read as metadata only", async () => {
    await run("helm-upgrade-failed", "checkout");
    const tool = investigationTools().find((t) => t.name === "change_timeline");
    expect(tool).toBeDefined();
    sim?.clearRequests();
    const text = await tool?.run(
      { namespace: "checkout", sinceMinutes: 60 },
      {
        reader: reader as KubeClusterReader,
        namespace: "checkout",
        policy: policy(),
        signal: new AbortController().signal,
      },
    );
    expect(text).toContain("2026-01-15T14:22:00Z  rollout");
    expect(text).toContain("image ghcr.io/acme/checkout-api 2.1.0 → 2.1.1");
    expect(text).toContain("(by helm)");
    expect(text).toContain("Helm release checkout upgraded 6 → 7 (failed)");
    expect(sim?.requests.some((r) => r.resource === "pods")).toBe(false);
    expectMetadataOnlySecretReads(sim as SimCluster);
  });
});
