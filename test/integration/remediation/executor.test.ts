import { AppsV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RemediationAction, RemediationProposal } from "../../../src/domain/actions.js";
import type { Workload } from "../../../src/domain/kube.js";
import { buildRequest, proposalFromAction } from "../../../src/remediation/catalog.js";
import { createExecutor } from "../../../src/remediation/executor.js";
import { KubeWriteClient } from "../../../src/remediation/kube-client.js";
import { type Harness, startHarness, writes } from "./fixture.js";
import { REMEDIATION_STATE } from "./state.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ state: REMEDIATION_STATE });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.sim.clearRequests();
  h.audit.length = 0;
});

const api = { kind: "Deployment", namespace: "shop", name: "api" } as const;

async function propose(action: RemediationAction): Promise<RemediationProposal> {
  const plural = action.target.kind === "Pod" ? "pods" : "deployments";
  const current = await h.reader.get(plural, action.target.name, action.target.namespace);
  const replicaSets = await h.reader.list("replicasets", { namespace: "shop" });
  return proposalFromAction(action, current, "rc", { replicaSets });
}

/** Patches a Deployment as some other operator (admin identity). */
async function operatorPatch(name: string, body: unknown): Promise<void> {
  const apps = h.sim.kubeConfig("admin").makeApiClient(AppsV1Api);
  await apps.patchNamespacedDeployment(
    { name, namespace: "shop", body },
    setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
  );
}

describe("executor drift check", () => {
  it("refuses when a checked field changed between proposal and apply, and writes nothing", async () => {
    const proposal = await propose({
      action: "set-resources",
      target: api,
      params: { container: "app", limits: { memory: "256Mi" } },
    });
    await operatorPatch("api", {
      spec: {
        template: { spec: { containers: [{ name: "app", resources: { limits: { memory: "128Mi" } } }] } },
      },
    });
    h.sim.clearRequests();
    const outcome = await h.executor.execute(proposal, { actor: "U0ALICE", mode: "manual" });
    expect(outcome).toEqual({
      status: "refused",
      code: "DRIFT",
      message:
        "Deployment shop/api changed since the proposal: spec.template.spec.containers[name=app].resources.limits.memory is 128Mi, the proposal expected 64Mi",
    });
    expect(writes(h.sim.requests)).toEqual([]);
    expect(h.audit.map((entry) => [entry.type, entry.code])).toEqual([["remediation.refused", "DRIFT"]]);
  });

  it("applies despite unrelated changes (status churn, other fields)", async () => {
    const proposal = await propose({ action: "scale", target: api, params: { replicas: 3 } });
    await operatorPatch("api", { metadata: { labels: { team: "shop" } } });
    h.sim.clock.advance(10_000);
    const outcome = await h.executor.execute(proposal, { actor: "U0ALICE", mode: "manual" });
    expect(outcome.status).toBe("succeeded");
    expect(writes(h.sim.requests).filter((line) => line.startsWith("executor"))).toEqual([
      "executor patch deployments/scale/api dryRun 200",
      "executor patch deployments/scale/api 200",
    ]);
  });

  it("refuses when a must-not-exist target now exists", async () => {
    const action: RemediationAction = {
      action: "create-pvc",
      target: { kind: "PersistentVolumeClaim", namespace: "shop", name: "late" },
      params: { storageClassName: "standard", size: "1Gi", accessModes: ["ReadWriteOnce"] },
    };
    const proposal = proposalFromAction(action, undefined, "rc");
    const admin = new KubeWriteClient(h.sim.kubeConfig("admin"));
    await admin.write(buildRequest(action, undefined), { dryRun: false, fieldManager: "someone-else" });
    h.sim.clearRequests();
    const outcome = await h.executor.execute(proposal, { actor: "U0ALICE", mode: "manual" });
    expect(outcome.status).toBe("refused");
    expect(outcome.message).toContain("PersistentVolumeClaim shop/late now exists");
    expect(writes(h.sim.requests)).toEqual([]);
  });

  it("refuses a delete-pod whose pod was replaced by another of the same name", async () => {
    const pod = (await h.reader.list("pods", { namespace: "shop" })).find((item) =>
      item.metadata.name?.startsWith("db-"),
    );
    const proposal = proposalFromAction(
      {
        action: "delete-pod",
        target: { kind: "Pod", namespace: "shop", name: pod?.metadata.name ?? "" },
        params: {},
      },
      pod,
      "rc",
    );
    const stale = {
      ...proposal,
      preconditions: {
        ...proposal.preconditions,
        resourceVersion: "1",
        expected: { "metadata.uid": "uid-of-an-older-pod" },
      },
    };
    const outcome = await h.executor.execute(stale, { actor: "U0ALICE", mode: "manual" });
    expect(outcome.code).toBe("DRIFT");
    expect(writes(h.sim.requests)).toEqual([]);
  });
});

describe("executor drift during the dry run", () => {
  it("refuses when the checked field changes between the dry run and the write", async () => {
    const racing = createExecutor({
      kubeConfig: h.sim.kubeConfig("executor"),
      clock: h.clock,
      // Another operator edits the same field right after the dry run passed.
      audit: async (entry) => {
        if (entry.type !== "remediation.dry-run") return;
        await operatorPatch("api", {
          spec: {
            template: { spec: { containers: [{ name: "app", resources: { limits: { memory: "2Gi" } } }] } },
          },
        });
      },
    });
    const proposal = await propose({
      action: "set-resources",
      target: api,
      params: { container: "app", limits: { memory: "512Mi" } },
    });
    h.sim.clearRequests();
    const outcome = await racing.execute(proposal, { actor: "U0ALICE", mode: "manual" });
    expect(outcome.status).toBe("refused");
    expect(outcome.message).toContain("changed during the dry run");
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/api dryRun 200",
      "admin patch deployments/api 200",
    ]);
  });
});

describe("executor dry run", () => {
  it("refuses when the server-side dry run fails (422) and never sends the write", async () => {
    // A revision whose template does not match the Deployment's selector: the API server rejects it.
    const deployment = h.sim.view.get("Deployment", "shop", "api") as Workload;
    const admin = h.sim.kubeConfig("admin").makeApiClient(AppsV1Api);
    await admin.createNamespacedReplicaSet({
      namespace: "shop",
      body: {
        metadata: {
          name: "api-strange",
          annotations: { "deployment.kubernetes.io/revision": "7" },
          ownerReferences: [
            {
              apiVersion: "apps/v1",
              kind: "Deployment",
              name: "api",
              uid: deployment.metadata.uid ?? "",
              controller: true,
            },
          ],
        },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: "strange" } },
          template: {
            metadata: { labels: { app: "strange" } },
            spec: { containers: [{ name: "app", image: "x:1" }] },
          },
        },
      },
    });
    const proposal = await propose({ action: "rollback", target: api, params: { toRevision: 7 } });
    h.sim.clearRequests();
    const dry = await h.executor.dryRun(proposal);
    expect(dry.ok).toBe(false);
    expect(dry.message).toMatch(
      /^server-side dry run of PATCH \/apis\/apps\/v1\/namespaces\/shop\/deployments\/api \(json-patch\) failed: 422 Invalid: .*selector/,
    );
    const outcome = await h.executor.execute(proposal, { actor: "U0ALICE", mode: "manual" });
    expect(outcome.status).toBe("refused");
    expect(outcome.code).toBe("DRY_RUN_FAILED");
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/api dryRun 422",
      "executor patch deployments/api dryRun 422",
    ]);
    const after = h.sim.view.get("Deployment", "shop", "api") as Workload;
    expect(after.spec.template.metadata?.labels).toEqual({ app: "api" });
  });
});
