import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RemediationProposal } from "../../../src/domain/actions.js";
import type { ProposalRecord } from "../../../src/domain/investigation.js";
import type { Workload } from "../../../src/domain/kube.js";
import { podTemplateDiff } from "../../../src/domain/template-diff.js";
import { proposalFromAction } from "../../../src/remediation/catalog.js";
import { proposalMessages } from "../../../src/slack/blocks/proposal.js";
import { escapeMrkdwn } from "../../../src/slack/mrkdwn.js";
import { type Harness, startHarness, writes } from "./fixture.js";
import { SHOP_CLUSTER } from "./state.js";

/**
 * A rollback replaces the whole pod template. Revision 1 of `web` differs from revision 2 not
 * only in its image but in an env var and the memory limit: the card and the confirm dialog must
 * show all three, and the executor must apply exactly those three and nothing else. The objects
 * carry the API server's defaults, as `kubectl get -o yaml` prints them.
 */
/** A pod template with the API server's defaults filled in, as `kubectl get -o yaml` prints it. */
function template(labels: string, image: string, logLevel: string, memory: string): string {
  return `  template:
    metadata: {labels: {${labels}}}
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/web:${image}
          env: [{name: LOG_LEVEL, value: ${logLevel}}, {name: REGION, value: eu-west-1}]
          resources: {limits: {memory: ${memory}}}
          imagePullPolicy: IfNotPresent
          terminationMessagePath: /dev/termination-log
          terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30`;
}

const STATE = `${SHOP_CLUSTER}---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d8f7c9d5
  namespace: shop
  labels: {app: web, pod-template-hash: 5d8f7c9d5}
  annotations: {deployment.kubernetes.io/revision: "1"}
spec:
  replicas: 0
  selector: {matchLabels: {app: web, pod-template-hash: 5d8f7c9d5}}
${template("app: web, pod-template-hash: 5d8f7c9d5", "1.4.0", "info", "256Mi")}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
${template("app: web", "1.5.0", "debug", "512Mi")}
`;

const web = { kind: "Deployment", namespace: "shop", name: "web" } as const;
const NOW = new Date("2026-11-21T09:01:00Z");

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ state: STATE, warmupMs: 30_000 });
});
afterAll(async () => {
  await h.close();
});

async function propose(): Promise<RemediationProposal> {
  const current = await h.reader.get("deployments", "web", "shop");
  const replicaSets = await h.reader.list("replicasets", { namespace: "shop" });
  return proposalFromAction({ action: "rollback", target: web, params: { toRevision: 1 } }, current, "rc", {
    replicaSets,
  });
}

function record(proposal: RemediationProposal): ProposalRecord {
  return { proposal, token: "t".repeat(32), state: "pending", expiresAt: "2030-01-01T00:00:00Z" };
}

const EXPECTED = [
  "spec.template.spec.containers[app].env[LOG_LEVEL].value: debug -> info",
  "spec.template.spec.containers[app].image: registry.example.com/shop/web:1.5.0 -> registry.example.com/shop/web:1.4.0",
  "spec.template.spec.containers[app].resources.limits.memory: 512Mi -> 256Mi",
];

describe("a rollback shows and applies exactly the change", () => {
  it("the card and the confirm dialog show env, memory and image; the executor applies exactly that", async () => {
    const proposal = await propose();
    expect(proposal.preconditions.templateDiff).toEqual(EXPECTED);

    const [card] = proposalMessages(record(proposal), { index: 0, total: 1 }, NOW);
    const json = JSON.stringify(card?.blocks);
    const section = card?.blocks[0];
    const shown = section?.type === "section" ? (section.text?.text ?? "") : "";
    for (const line of EXPECTED) expect(shown).toContain(escapeMrkdwn(line));
    // The dialog holds 300 characters: it names the field count and where every field is listed.
    const actions = card?.blocks.find((block) => block.type === "actions");
    const approve = actions?.type === "actions" ? actions.elements[0] : undefined;
    const confirm = approve && "confirm" in approve ? approve.confirm?.text.text : undefined;
    expect(confirm).toBe(
      "rollback on Deployment web, risk medium. It changes 3 fields, every one listed in the card; nothing else is applied.",
    );
    expect(json).toContain("proposal.approve");

    const before = h.sim.view.get("Deployment", "shop", "web") as Workload;
    h.sim.clearRequests();
    const outcome = await h.executor.execute(proposal, { actor: "U0ALICE", mode: "manual" });
    expect(outcome.status).toBe("succeeded");
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/web dryRun 200",
      "executor patch deployments/web 200",
    ]);
    const after = h.sim.view.get("Deployment", "shop", "web") as Workload;
    // What the cluster now runs differs from before by exactly the lines on the card.
    expect(podTemplateDiff(before.spec.template, after.spec.template)).toEqual(EXPECTED);
  });

  it("refuses, writing nothing, when the change it would make is more than the card showed", async () => {
    h.sim.clearRequests();
    // Back to revision 2's template first (the previous test rolled back): a fresh proposal…
    const current = await h.reader.get("deployments", "web", "shop");
    const replicaSets = await h.reader.list("replicasets", { namespace: "shop" });
    const revisions = replicaSets
      .map((rs) => Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"]))
      .filter((value) => Number.isFinite(value));
    const newest = Math.max(...revisions);
    const target = revisions.filter((value) => value !== newest).sort((a, b) => b - a)[0] ?? 1;
    const honest = proposalFromAction(
      { action: "rollback", target: web, params: { toRevision: target } },
      current,
      "rc",
      { replicaSets },
    );
    expect(honest.preconditions.templateDiff?.length).toBeGreaterThan(1);
    // …shown as the old cards did, with the image line only.
    const imageOnly = (honest.preconditions.templateDiff ?? []).filter((line) => line.includes(".image:"));
    const tampered: RemediationProposal = {
      ...honest,
      change: imageOnly.join("\n"),
      preconditions: { ...honest.preconditions, templateDiff: imageOnly },
    };
    h.sim.clearRequests();
    const outcome = await h.executor.execute(tampered, { actor: "U0ALICE", mode: "manual" });
    expect(outcome.status).toBe("refused");
    expect(outcome.code).toBe("CHANGE_DIFFERS");
    expect(outcome.message).toContain("not shown: spec.template.spec.containers[app].env[LOG_LEVEL].value");
    expect(writes(h.sim.requests)).toEqual([]);
  });
});
