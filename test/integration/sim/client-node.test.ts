import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type V1Deployment,
  type V1PersistentVolumeClaim,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { isMutating } from "../../../src/sim/requests.js";
import { manyPodsState, simFixture } from "../../support/sim.js";

describe("simulated API server through @kubernetes/client-node", () => {
  let sim: SimCluster;
  let bulk: SimCluster;

  beforeAll(async () => {
    sim = await startSimCluster({ state: simFixture("shop.yaml"), reconciler: null, historyLimit: 5 });
    bulk = await startSimCluster({ state: manyPodsState(25), reconciler: null });
  });
  afterAll(async () => {
    await sim?.close();
    await bulk?.close();
  });

  it("pages through a namespace with limit and _continue, in name order, without repeats", async () => {
    const core = bulk.kubeConfig("reader").makeApiClient(CoreV1Api);
    const names: string[] = [];
    const versions = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedPod({ namespace: "bulk", limit: 10, _continue: token });
      pages++;
      names.push(...page.items.map((pod) => pod.metadata?.name ?? ""));
      versions.add(page.metadata?.resourceVersion ?? "");
      token = page.metadata?._continue;
      if (token) expect(page.metadata?.remainingItemCount).toBe(25 - names.length);
    } while (token);
    expect(pages).toBe(3);
    expect(names).toHaveLength(25);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(25);
    expect(versions.size).toBe(1);
  });

  it("lists across namespaces with label and field selectors", async () => {
    const core = bulk.kubeConfig("reader").makeApiClient(CoreV1Api);
    const even = await core.listPodForAllNamespaces({ labelSelector: "app=bulk,parity in (even)", limit: 5 });
    expect(even.items).toHaveLength(5);
    expect(even.items.every((pod) => pod.metadata?.labels?.parity === "even")).toBe(true);
    const rest = await core.listPodForAllNamespaces({
      labelSelector: "parity=even",
      _continue: even.metadata?._continue,
    });
    expect(even.items.length + rest.items.length).toBe(13);

    const shop = sim.kubeConfig("reader").makeApiClient(CoreV1Api);
    const pending = await shop.listPodForAllNamespaces({ fieldSelector: "status.phase=Pending" });
    expect(pending.items.map((pod) => pod.metadata?.name).sort()).toEqual([
      "migrate-db",
      "web-7d9c5b6f4-fghij",
    ]);
    const warnings = await shop.listNamespacedEvent({
      namespace: "shop",
      fieldSelector: "involvedObject.kind=Pod,involvedObject.name=web-7d9c5b6f4-abcde,type=Warning",
    });
    expect(warnings.items.map((event) => [event.reason, event.count])).toEqual([["BackOff", 42]]);
    await expect(
      shop.listNamespacedPod({ namespace: "shop", fieldSelector: "spec.bogus=1" }),
    ).rejects.toMatchObject({
      code: 400,
    });
  });

  it("reads a Deployment and its scale subresource", async () => {
    const apps = sim.kubeConfig("reader").makeApiClient(AppsV1Api);
    const deployment = await apps.readNamespacedDeployment({ name: "web", namespace: "shop" });
    expect(deployment.spec?.replicas).toBe(2);
    expect(deployment.metadata?.generation).toBe(3);
    expect(deployment.status?.observedGeneration).toBe(3);
    const scale = await apps.readNamespacedDeploymentScale({ name: "web", namespace: "shop" });
    expect(scale.spec?.replicas).toBe(2);
    expect(scale.status?.selector).toBe("app=web");
    const missing = await apps
      .readNamespacedDeployment({ name: "nope", namespace: "shop" })
      .catch((error) => error);
    expect(missing).toBeInstanceOf(ApiException);
    expect((missing as ApiException<string>).code).toBe(404);
    expect(JSON.parse((missing as ApiException<string>).body)).toMatchObject({
      kind: "Status",
      reason: "NotFound",
      message: 'deployments.apps "nope" not found',
    });
  });

  it("replaces a Deployment's scale as the executor, with optimistic concurrency", async () => {
    const apps = sim.kubeConfig("executor").makeApiClient(AppsV1Api);
    const scale = await apps
      .readNamespacedStatefulSetScale({ name: "web", namespace: "shop" })
      .catch((error) => error);
    expect((scale as ApiException<string>).code).toBe(404);
    const current = await apps.readNamespacedDeploymentScale({ name: "web", namespace: "shop" });
    const replaced = await apps.replaceNamespacedDeploymentScale({
      name: "web",
      namespace: "shop",
      body: { ...current, spec: { replicas: 4 } },
      dryRun: "All",
    });
    expect(replaced.spec?.replicas).toBe(4);
    expect(sim.view.get("Deployment", "shop", "web")?.spec).toMatchObject({ replicas: 2 });
    const stale = await apps
      .replaceNamespacedDeploymentScale({
        name: "web",
        namespace: "shop",
        body: { ...current, metadata: { ...current.metadata, resourceVersion: "1" }, spec: { replicas: 4 } },
      })
      .catch((error) => error);
    expect((stale as ApiException<string>).code).toBe(409);
  });

  it("serves previous and current container logs, and the kubelet's errors", async () => {
    const core = sim.kubeConfig("reader").makeApiClient(CoreV1Api);
    const previous = await core.readNamespacedPodLog({
      name: "web-7d9c5b6f4-abcde",
      namespace: "shop",
      container: "app",
      previous: true,
    });
    expect(previous).toContain('FATAL: password authentication failed for user "shop"');
    const tail = await core.readNamespacedPodLog({
      name: "web-7d9c5b6f4-abcde",
      namespace: "shop",
      container: "app",
      previous: true,
      tailLines: 1,
    });
    expect(tail.trim().split("\n")).toHaveLength(1);
    const limited = await core.readNamespacedPodLog({
      name: "web-7d9c5b6f4-abcde",
      namespace: "shop",
      container: "app",
      previous: true,
      limitBytes: 10,
    });
    expect(limited).toBe("2026-03-10");
    const proxy = await core.readNamespacedPodLog({
      name: "web-7d9c5b6f4-abcde",
      namespace: "shop",
      container: "proxy",
    });
    expect(proxy).toContain("envoy started");

    const noContainer = await core
      .readNamespacedPodLog({ name: "web-7d9c5b6f4-abcde", namespace: "shop" })
      .then(
        () => undefined,
        (error: ApiException<string>) => error,
      );
    expect(noContainer?.code).toBe(400);
    expect(noContainer?.body).toContain(
      "a container name must be specified for pod web-7d9c5b6f4-abcde, choose one of: [app proxy]",
    );
    const waiting = await core
      .readNamespacedPodLog({ name: "web-7d9c5b6f4-fghij", namespace: "shop", container: "app" })
      .then(
        () => undefined,
        (error: ApiException<string>) => error,
      );
    expect(waiting?.code).toBe(400);
    expect(waiting?.body).toContain(
      'container \\"app\\" in pod \\"web-7d9c5b6f4-fghij\\" is waiting to start',
    );
  });

  it("dry-runs create and patch through KubernetesObjectApi without persisting anything", async () => {
    sim.clearRequests();
    const objects = KubernetesObjectApi.makeApiClient(sim.kubeConfig("executor"));
    const pvc: V1PersistentVolumeClaim = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "postgres-data", namespace: "shop" },
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: "standard",
        resources: { requests: { storage: "10Gi" } },
      },
    };
    const versionBefore = (
      await sim.kubeConfig("admin").makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "shop" })
    ).metadata?.resourceVersion;
    const created = await objects.create(pvc, undefined, "All");
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.status?.phase).toBe("Pending");
    expect(sim.view.get("PersistentVolumeClaim", "shop", "postgres-data")).toBeUndefined();

    const patch = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "shop" },
      spec: {
        template: { spec: { containers: [{ name: "app", resources: { limits: { memory: "512Mi" } } }] } },
      },
    } as unknown as V1Deployment;
    const patched = await objects.patch(
      patch,
      undefined,
      "All",
      "k8s-triage",
      undefined,
      PatchStrategy.StrategicMergePatch,
    );
    const containers = patched.spec?.template.spec?.containers ?? [];
    expect(containers.map((container) => container.name)).toEqual(["app", "proxy"]);
    expect(containers[0]?.image).toBe("registry.example.com/shop/web:1.4.2");
    expect(containers[0]?.resources?.limits?.memory).toBe("512Mi");
    expect(patched.metadata?.generation).toBe(4);
    const stored = sim.view.get("Deployment", "shop", "web") as V1Deployment;
    expect(stored.metadata?.generation).toBe(3);
    expect(stored.spec?.template.spec?.containers[0]?.resources).toBeUndefined();
    const versionAfter = (
      await sim.kubeConfig("admin").makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "shop" })
    ).metadata?.resourceVersion;
    expect(versionAfter).toBe(versionBefore);
    const dryRuns = sim.requests.filter((request) => request.dryRun);
    expect(
      dryRuns.map((request) => [request.verb, request.resource, request.identity, request.status]),
    ).toEqual([
      ["create", "persistentvolumeclaims", "executor", 201],
      ["patch", "deployments", "executor", 200],
    ]);
  });

  it("forbids the reader identity from writing, with the RBAC message", async () => {
    const objects = KubernetesObjectApi.makeApiClient(sim.kubeConfig("reader"));
    const core = sim.kubeConfig("reader").makeApiClient(CoreV1Api);
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "intruder", namespace: "shop" } };
    const attempts = [
      objects.create({ ...pod, spec: { containers: [{ name: "x", image: "busybox" }] } }),
      objects.patch(
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "web", namespace: "shop" },
          spec: { replicas: 0 },
        },
        undefined,
        undefined,
        "reader",
        undefined,
        PatchStrategy.MergePatch,
      ),
      core.deleteNamespacedPod({ name: "web-7d9c5b6f4-abcde", namespace: "shop" }),
    ];
    const errors = (await Promise.all(
      attempts.map((attempt) =>
        attempt.then(
          () => undefined,
          (error) => error,
        ),
      ),
    )) as ApiException<string | Record<string, unknown>>[];
    const messages = errors.map((error) => {
      expect(error?.code).toBe(403);
      const body = typeof error.body === "string" ? JSON.parse(error.body) : error.body;
      return body.message;
    });
    expect(messages).toEqual([
      'pods is forbidden: User "reader" cannot create resource "pods" in API group "" in the namespace "shop"',
      'deployments.apps "web" is forbidden: User "reader" cannot patch resource "deployments" in API group "apps" in the namespace "shop"',
      'pods "web-7d9c5b6f4-abcde" is forbidden: User "reader" cannot delete resource "pods" in API group "" in the namespace "shop"',
    ]);
    expect(sim.view.get("Pod", "shop", "web-7d9c5b6f4-abcde")).toBeDefined();
    const secrets = await core
      .listNamespacedSecret({ namespace: "shop" })
      .catch((error: ApiException<string>) => error);
    expect((secrets as ApiException<string>).code).toBe(403);
    const readerWrites = sim.requests.filter(
      (request) => request.identity === "reader" && isMutating(request),
    );
    expect(readerWrites.length).toBe(3);
    expect(readerWrites.every((request) => request.status === 403)).toBe(true);
  });
});
