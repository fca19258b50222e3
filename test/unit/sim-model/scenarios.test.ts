import { describe, expect, it } from "vitest";
import type {
  Endpoints,
  Job,
  KubeObject,
  Node,
  PersistentVolumeClaim,
  Workload,
} from "../../../src/domain/kube.js";
import { InputError } from "../../../src/errors.js";
import {
  listScenarios,
  loadScenarioText,
  SCENARIOS,
  scenarioPath,
} from "../../../src/sim/scenarios/index.js";
import { reconcile } from "./fixtures.js";
import { deploymentOf, loadScenario, podsNamed, ready, waitingReason } from "./scenario-harness.js";

describe("scenario catalog", () => {
  it("lists every file and describes each", () => {
    expect(listScenarios()).toEqual(SCENARIOS.map((scenario) => scenario.name).sort());
    expect(listScenarios().length).toBeGreaterThanOrEqual(8);
    expect(loadScenarioText("healthy")).toContain("kind: Clock");
  });

  it("rejects unknown names, listing the known ones", () => {
    expect(() => scenarioPath("nope")).toThrow(InputError);
    expect(() => scenarioPath("nope")).toThrow(/available: .*prod-api-outage/);
  });

  it.each(listScenarios())("%s parses cleanly, has the cluster basics and settles", (name) => {
    const { view, warnings } = loadScenario(name);
    expect(warnings).toEqual([]);
    expect(view.list("Node").length).toBeGreaterThan(0);
    expect(view.get("Namespace", "", "kube-system")).toBeDefined();
    expect(
      view
        .list("StorageClass")
        .some((sc) => sc.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true"),
    ).toBe(true);
    const coredns = podsNamed(view, "kube-system", "coredns");
    expect(coredns.length).toBe(2);
    expect(coredns.every(ready)).toBe(true);
    const versions = view.versions();
    reconcile(view);
    expect(view.versions()).toBe(versions);
  });
});

describe("prod-api-outage", () => {
  const ns = "prod-api";

  it("shows each intended failure", () => {
    const { view } = loadScenario("prod-api-outage");
    const payment = podsNamed(view, ns, "payment-service");
    expect(payment).toHaveLength(2);
    expect(payment.map(waitingReason)).toEqual(["ImagePullBackOff", "ImagePullBackOff"]);
    const auth = podsNamed(view, ns, "auth-service");
    expect(auth.map(waitingReason)).toEqual(["Init:CrashLoopBackOff", "Init:CrashLoopBackOff"]);
    expect(auth[0]?.status?.phase).toBe("Pending");
    expect(view.logs.get(`${ns}/${auth[0]?.metadata.name}/migrate-db/true`)).toContain(
      "ERROR: Connection refused - database unreachable",
    );
    const gateway = podsNamed(view, ns, "api-gateway");
    expect(gateway).toHaveLength(3);
    for (const pod of gateway) {
      expect(waitingReason(pod)).toBe("CrashLoopBackOff");
      expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
        exitCode: 137,
        reason: "Error",
      });
    }
    const users = podsNamed(view, ns, "user-service");
    expect(users.map((pod) => pod.status?.containerStatuses?.[0]?.state?.waiting)).toEqual([
      { reason: "CreateContainerConfigError", message: 'secret "db-credentials" not found' },
      { reason: "CreateContainerConfigError", message: 'secret "db-credentials" not found' },
    ]);
    const analytics = podsNamed(view, ns, "analytics-service");
    expect(analytics[0]?.status?.containerStatuses?.[0]?.lastState?.terminated?.reason).toBe("OOMKilled");
    const notifications = podsNamed(view, ns, "notification-service");
    expect(notifications.length === 2 && notifications.every(ready)).toBe(true);
    const env = deploymentOf(view, ns, "notification-service").spec.template.spec.containers[0]?.env;
    expect(env?.find((variable) => variable.name === "API_KEY")?.value).toMatch(/^sk-live-/);
    const sets = (view.list("ReplicaSet", ns) as Workload[]).filter((rs) =>
      rs.metadata.name?.startsWith("payment-service-"),
    );
    expect(sets.map((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"]).sort()).toEqual([
      "1",
      "2",
    ]);
    expect(
      sets.find((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"] === "1")?.spec
        .replicas,
    ).toBe(0);
  });

  it("heals payment-service by rolling back to revision 1", () => {
    const { view } = loadScenario("prod-api-outage");
    const previous = (view.list("ReplicaSet", ns) as Workload[]).find(
      (rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"] === "1",
    );
    const deployment = deploymentOf(view, ns, "payment-service");
    const template = structuredClone(previous!.spec.template);
    delete template.metadata?.labels?.["pod-template-hash"];
    deployment.spec.template = template;
    view.upsert(deployment);
    reconcile(view);
    reconcile(view, 30);
    const pods = podsNamed(view, ns, "payment-service");
    expect(pods).toHaveLength(2);
    expect(
      pods.every(
        (pod) => ready(pod) && pod.spec.containers[0]?.image === "ghcr.io/acme/payment-service:v2.0.3",
      ),
    ).toBe(true);
    expect(
      deploymentOf(view, ns, "payment-service").metadata.annotations?.["deployment.kubernetes.io/revision"],
    ).toBe("3");
  });

  it("heals user-service when the Secret is created, analytics when its limit is raised", () => {
    const { view } = loadScenario("prod-api-outage");
    const secret: KubeObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db-credentials", namespace: ns },
      data: { url: "cG9zdGdyZXM6Ly8=" },
    };
    view.upsert(secret);
    const analytics = deploymentOf(view, ns, "analytics-service");
    analytics.spec.template.spec.containers[0]!.resources = {
      requests: { memory: "64Mi" },
      limits: { memory: "512Mi" },
    };
    view.upsert(analytics);
    reconcile(view);
    reconcile(view, 60);
    expect(podsNamed(view, ns, "user-service").every(ready)).toBe(true);
    const pods = podsNamed(view, ns, "analytics-service");
    expect(pods).toHaveLength(1);
    expect(ready(pods[0]!)).toBe(true);
  });
});

describe("single-failure scenarios", () => {
  it("a-team-missing-pvc: postgres-db Pending on the missing claim; creating it heals", () => {
    const { view } = loadScenario("a-team-missing-pvc");
    const [pod] = podsNamed(view, "a-team", "postgres-db");
    expect(view.list("Node")).toHaveLength(1);
    expect(pod?.status?.conditions?.find((condition) => condition.type === "PodScheduled")?.message).toBe(
      '0/1 nodes are available: persistentvolumeclaim "postgres-pvc" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
    expect(
      (view.get("PersistentVolumeClaim", "a-team", "backup-pvc") as PersistentVolumeClaim).status?.capacity
        ?.storage,
    ).toBe("5Gi");
    view.upsert({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "postgres-pvc", namespace: "a-team" },
      spec: {
        storageClassName: "standard",
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "5Gi" } },
      },
    });
    reconcile(view);
    reconcile(view, 30);
    expect(podsNamed(view, "a-team", "postgres-db").every(ready)).toBe(true);
  });

  it("node-not-ready: worker-2 unreachable, redis-0 stuck Terminating there, cart-service crash-looping", () => {
    const { view } = loadScenario("node-not-ready");
    const node = view.get("Node", "", "worker-2") as Node;
    expect(node.spec?.taints?.some((taint) => taint.key === "node.kubernetes.io/unreachable")).toBe(true);
    const [redis] = podsNamed(view, "shop", "redis");
    expect(redis?.metadata.deletionTimestamp).toBeDefined();
    expect(ready(redis!)).toBe(false);
    const cart = podsNamed(view, "shop", "cart-service");
    expect(
      cart.every((pod) => pod.spec.nodeName !== "worker-2" && waitingReason(pod) === "CrashLoopBackOff"),
    ).toBe(true);
    expect(podsNamed(view, "kube-system", "kube-proxy")).toHaveLength(3);
  });

  it("unschedulable-resources: report-builder Pending on memory", () => {
    const { view } = loadScenario("unschedulable-resources");
    const [pod] = podsNamed(view, "analytics", "report-builder");
    expect(pod?.status?.conditions?.[0]?.message).toBe(
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
    );
  });

  it("quota-exceeded: batch-processor has no pods and a ReplicaFailure", () => {
    const { view } = loadScenario("quota-exceeded");
    expect(podsNamed(view, "team-b", "batch-processor")).toHaveLength(0);
    const failure = deploymentOf(view, "team-b", "batch-processor").status?.conditions?.find(
      (condition) => condition.type === "ReplicaFailure",
    );
    expect(failure?.message).toMatch(
      /exceeded quota: compute-quota, requested: limits\.memory=2Gi, used: limits\.memory=3Gi, limited: limits\.memory=4Gi$/,
    );
  });

  it("service-no-endpoints: Service catalog selects nothing", () => {
    const { view } = loadScenario("service-no-endpoints");
    expect(
      (view.get("Endpoints", "storefront", "catalog") as Endpoints | undefined)?.subsets,
    ).toBeUndefined();
    expect(podsNamed(view, "storefront", "catalog-api").every(ready)).toBe(true);
  });

  it("dependency-unavailable: redis lacks its ConfigMap, orders-api is refused; creating it heals both", () => {
    const { view } = loadScenario("dependency-unavailable");
    expect(
      podsNamed(view, "payments", "redis")[0]?.status?.containerStatuses?.[0]?.state?.waiting?.message,
    ).toBe('configmap "redis-config" not found');
    const orders = podsNamed(view, "payments", "orders-api");
    expect(orders.every((pod) => waitingReason(pod) === "CrashLoopBackOff")).toBe(true);
    view.upsert({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "redis-config", namespace: "payments" },
      data: { REDIS_MAXMEMORY: "256mb" },
    });
    reconcile(view);
    reconcile(view, 300);
    expect(podsNamed(view, "payments", "redis").every(ready)).toBe(true);
    expect(podsNamed(view, "payments", "orders-api").every(ready)).toBe(true);
  });

  it("job-failed: BackoffLimitExceeded after four failed pods", () => {
    const { view } = loadScenario("job-failed");
    const job = view.get("Job", "data", "nightly-etl-29474190") as Job;
    expect(job.status?.conditions?.find((condition) => condition.type === "Failed")?.reason).toBe(
      "BackoffLimitExceeded",
    );
    const pods = podsNamed(view, "data", "nightly-etl-29474190");
    expect(pods).toHaveLength(4);
    expect(view.logs.get(`data/${pods[0]?.metadata.name}/etl/false`)).toContain(
      "password authentication failed",
    );
  });

  it("probe-failure: checkout-web Running, never Ready", () => {
    const { view } = loadScenario("probe-failure");
    const pods = podsNamed(view, "web", "checkout-web");
    expect(pods.every((pod) => pod.status?.phase === "Running" && !ready(pod))).toBe(true);
    expect(
      (view.get("Endpoints", "web", "checkout-web") as Endpoints).subsets?.[0]?.notReadyAddresses,
    ).toHaveLength(3);
  });

  it("pvc-pending: claim Pending on the missing class, model-server unbound", () => {
    const { view } = loadScenario("pvc-pending");
    expect(
      (view.get("PersistentVolumeClaim", "ml", "model-cache") as PersistentVolumeClaim).status?.phase,
    ).toBe("Pending");
    expect(view.eventsFor("model-cache", "ProvisioningFailed")[0]?.message).toBe(
      'storageclass.storage.k8s.io "fast-ssd" not found',
    );
    expect(podsNamed(view, "ml", "model-server")[0]?.status?.conditions?.[0]?.message).toContain(
      "pod has unbound immediate PersistentVolumeClaims",
    );
  });

  it("control-plane-degraded: etcd failing in /readyz", () => {
    const { view, readyz } = loadScenario("control-plane-degraded");
    expect(readyz).toContain("[-]etcd failed: reason withheld");
    expect(podsNamed(view, "default", "hello-web").every(ready)).toBe(true);
  });

  it("ingress-misconfigured: the Ingress names a Service that does not exist", () => {
    const { view } = loadScenario("ingress-misconfigured");
    expect(view.get("Service", "shop-frontend", "api-svc")).toBeUndefined();
    expect(JSON.stringify(view.get("Ingress", "shop-frontend", "storefront"))).toContain('"api-svc"');
  });

  it("healthy: every pod Running or Completed, only old warnings", () => {
    const { view } = loadScenario("healthy");
    for (const pod of view.list("Pod")) {
      const phase = (pod.status as { phase?: string }).phase;
      expect(["Running", "Succeeded"]).toContain(phase);
    }
    const job = view.get("Job", "team-a", "db-migrate-20260115") as Job;
    expect(job.status?.succeeded).toBe(1);
    const warnings = view.events().filter((event) => event.type === "Warning");
    expect(warnings.length).toBeGreaterThan(0);
    expect(
      warnings.every((event) => Date.parse(event.lastTimestamp ?? "") < Date.parse(view.now()) - 86_400_000),
    ).toBe(true);
  });
});
