import { AppsV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RemediationAction, RemediationProposal } from "../../../src/domain/actions.js";
import type { KubeObject, Workload } from "../../../src/domain/kube.js";
import { RemediationRefused } from "../../../src/errors.js";
import { buildRequest, proposalFromAction } from "../../../src/remediation/catalog.js";
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

describe("identities", () => {
  const catalogWrites = (): { name: string; request: ReturnType<typeof buildRequest> }[] => {
    const deployment = h.sim.view.get("Deployment", "shop", "api") as KubeObject;
    const pod = h.sim.view.list("Pod", "shop")[0];
    const replicaSets = h.sim.view.list("ReplicaSet", "shop");
    const actions: RemediationAction[] = [
      {
        action: "create-pvc",
        target: { kind: "PersistentVolumeClaim", namespace: "shop", name: "x" },
        params: { storageClassName: "standard", size: "1Gi", accessModes: ["ReadWriteOnce"] },
      },
      { action: "set-resources", target: api, params: { container: "app", limits: { memory: "1Gi" } } },
      { action: "set-image", target: api, params: { container: "app", image: "x:2" } },
      { action: "rollout-restart", target: api, params: {} },
      { action: "scale", target: api, params: { replicas: 1 } },
      {
        action: "delete-pod",
        target: { kind: "Pod", namespace: "shop", name: pod?.metadata.name ?? "" },
        params: {},
      },
    ];
    return actions.map((action) => ({
      name: action.action,
      request: buildRequest(
        action,
        action.action === "create-pvc" ? undefined : action.action === "delete-pod" ? pod : deployment,
        {
          now: "2026-11-21T10:00:00Z",
          replicaSets,
        },
      ),
    }));
  };

  it("the analysis identity gets 403 on every catalog write, dry run or not", async () => {
    const reader = new KubeWriteClient(h.sim.kubeConfig("reader"));
    const statuses: string[] = [];
    for (const { name, request } of catalogWrites()) {
      for (const dryRun of [true, false]) {
        const response = await reader.write(request, { dryRun, fieldManager: "k8s-triage-bot" });
        statuses.push(`${name}${dryRun ? " dryRun" : ""} ${response.status}`);
      }
    }
    expect(statuses.every((line) => line.endsWith(" 403"))).toBe(true);
    expect(statuses).toHaveLength(12);
    expect(h.sim.requests.filter((r) => r.identity === "reader").every((r) => r.status === 403)).toBe(true);
  });

  it("the read path has no way to write, and its identity is refused by the server anyway", async () => {
    expect("write" in h.reader).toBe(false);
    const apps = h.sim.kubeConfig("reader").makeApiClient(AppsV1Api);
    await expect(
      apps.patchNamespacedDeployment(
        { name: "api", namespace: "shop", body: { spec: { replicas: 9 } } },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      ),
    ).rejects.toMatchObject({ code: 403 });
  });

  it("never sends a request touching Secrets or RBAC, whatever identity holds the client", async () => {
    const admin = new KubeWriteClient(h.sim.kubeConfig("admin"));
    for (const path of [
      "/api/v1/namespaces/shop/secrets",
      "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings",
      "/api/v1/namespaces/shop/serviceaccounts/default/token",
    ]) {
      await expect(
        admin.write({ method: "POST", path, body: { kind: "Secret" } }, { dryRun: false, fieldManager: "x" }),
      ).rejects.toBeInstanceOf(RemediationRefused);
    }
    await expect(admin.get("/api/v1/namespaces/shop/secrets/db")).rejects.toBeInstanceOf(RemediationRefused);
    await expect(admin.list("/api/v1/namespaces/shop/secrets")).rejects.toBeInstanceOf(RemediationRefused);
    expect(h.sim.requests).toEqual([]);
  });

  it("the request record shows every executor write preceded by its dry run", async () => {
    const restart = await propose({ action: "rollout-restart", target: api, params: {} });
    const outcome = await h.executor.execute(restart, { actor: "U0ALICE", mode: "manual" });
    expect(outcome.status).toBe("succeeded");
    const executorWrites = h.sim.requests.filter(
      (r) => r.identity === "executor" && r.verb !== "get" && r.verb !== "list",
    );
    expect(executorWrites.length).toBeGreaterThan(0);
    expect(executorWrites.map((request) => request.query)).toEqual([
      { dryRun: "All", fieldManager: "k8s-triage-bot" },
      { fieldManager: "k8s-triage-bot" },
    ]);
    executorWrites.forEach((request, index) => {
      if (request.dryRun) return;
      const previous = executorWrites[index - 1];
      expect(previous).toMatchObject({ dryRun: true, verb: request.verb, path: request.path });
    });
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/api dryRun 200",
      "executor patch deployments/api 200",
    ]);
    const annotations = (h.sim.view.get("Deployment", "shop", "api") as Workload).spec.template.metadata
      ?.annotations;
    expect(annotations?.["kubectl.kubernetes.io/restartedAt"]).toBe(h.sim.clock.now());
  });
});
