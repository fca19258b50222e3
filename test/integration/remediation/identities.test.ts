import { AppsV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RemediationAction } from "../../../src/domain/actions.js";
import type { KubeObject, Workload } from "../../../src/domain/kube.js";
import { RemediationRefused } from "../../../src/errors.js";
import { buildRequest, proposalFromAction } from "../../../src/remediation/catalog.js";
import { KubeWriteClient } from "../../../src/remediation/kube-client.js";
import { type Harness, startHarness, writes } from "./fixture.js";
import { REMEDIATION_STATE } from "./state.js";

/** Who may write: the analysis identity never, the executor only through the guarded client. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ state: REMEDIATION_STATE });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.sim.clearRequests();
});

const api = { kind: "Deployment", namespace: "shop", name: "api" } as const;

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
    const current = await h.reader.get("deployments", "api", "shop");
    const restart = proposalFromAction({ action: "rollout-restart", target: api, params: {} }, current, "rc");
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
