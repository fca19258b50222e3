import { AppsV1Api, CoreV1Api, type V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { startSimCluster } from "../../../src/sim/index.js";
import { listScenarios, SCENARIOS } from "../../../src/sim/scenarios/index.js";

function waiting(pod: V1Pod): string | undefined {
  const init = pod.status?.initContainerStatuses?.find((status) => status.state?.waiting);
  if (init?.state?.waiting?.reason) return `Init:${init.state.waiting.reason}`;
  return pod.status?.containerStatuses?.find((status) => status.state?.waiting)?.state?.waiting?.reason;
}

function isReady(pod: V1Pod): boolean {
  return (
    pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false
  );
}

/** What each scenario must show through the API: pod name prefix -> expected state. */
const EXPECTED: Record<string, Record<string, string>> = {
  "prod-api-outage": {
    "payment-service": "ImagePullBackOff",
    "auth-service": "Init:CrashLoopBackOff",
    "api-gateway": "CrashLoopBackOff",
    "user-service": "CreateContainerConfigError",
    "analytics-service": "CrashLoopBackOff",
    "notification-service": "Ready",
  },
  "a-team-missing-pvc": { "postgres-db": "Unschedulable", "team-portal": "Ready" },
  "node-not-ready": {
    "cart-service": "CrashLoopBackOff",
    "redis-0": "Terminating",
    "product-catalog": "Ready",
  },
  "unschedulable-resources": { "report-builder": "Unschedulable", "dashboard-api": "Ready" },
  "quota-exceeded": { api: "Ready" },
  "service-no-endpoints": { "catalog-api": "Ready", "storefront-web": "Ready" },
  "dependency-unavailable": {
    redis: "CreateContainerConfigError",
    "orders-api": "CrashLoopBackOff",
    "invoice-service": "Ready",
  },
  "job-failed": { "nightly-etl-29474190": "Failed", "warehouse-api": "Ready" },
  "probe-failure": { "checkout-web": "NotReady", flags: "Ready" },
  "pvc-pending": { "model-server": "Unschedulable", "feature-store": "Ready" },
  "control-plane-degraded": { "hello-web": "Ready" },
  "ingress-misconfigured": { web: "Ready", api: "Ready" },
  healthy: { frontend: "Ready", orders: "Ready", worker: "Ready", "db-migrate-20260115": "Succeeded" },
  "helm-upgrade-failed": { "checkout-api": "CrashLoopBackOff" },
  "argo-bad-image": { web: "ImagePullBackOff" },
  "configmap-edited": { "orders-api": "CrashLoopBackOff" },
};

function stateOf(pod: V1Pod): string {
  if (pod.metadata?.deletionTimestamp) return "Terminating";
  if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return pod.status.phase;
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === "PodScheduled");
  if (scheduled?.status === "False") return scheduled.reason ?? "Pending";
  const reason = waiting(pod);
  if (reason) return reason;
  return isReady(pod) ? "Ready" : "NotReady";
}

describe("built-in scenarios through the simulated API server", () => {
  it("has an expectation for every scenario", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(listScenarios());
  });

  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario.namespace] as const))(
    "%s shows its failure to client-node (namespace %s)",
    async (name, namespace) => {
      const sim = await startSimCluster({ scenario: name });
      try {
        expect(sim.warnings).toEqual([]);
        const core = sim.kubeConfig("reader").makeApiClient(CoreV1Api);
        const pods = (await core.listNamespacedPod({ namespace })).items;
        for (const [prefix, expected] of Object.entries(EXPECTED[name] ?? {})) {
          const own = pods.filter(
            (pod) => pod.metadata?.name === prefix || pod.metadata?.name?.startsWith(`${prefix}-`),
          );
          expect(own.length, `${name}: pods of ${prefix}`).toBeGreaterThan(0);
          for (const pod of own)
            expect(`${pod.metadata?.name}: ${stateOf(pod)}`).toBe(`${pod.metadata?.name}: ${expected}`);
        }
        const apps = sim.kubeConfig("reader").makeApiClient(AppsV1Api);
        const deployments = (await apps.listNamespacedDeployment({ namespace })).items;
        for (const deployment of deployments)
          expect(deployment.status?.observedGeneration).toBeGreaterThan(0);
      } finally {
        await sim.close();
      }
    },
  );

  it("replays a scenario with the same pod names and ids", async () => {
    const names = async () => {
      const sim = await startSimCluster({ scenario: "prod-api-outage" });
      try {
        const core = sim.kubeConfig("reader").makeApiClient(CoreV1Api);
        const pods = (await core.listNamespacedPod({ namespace: "prod-api" })).items;
        return pods.map((pod) => `${pod.metadata?.name} ${pod.metadata?.uid} ${pod.status?.podIP}`).sort();
      } finally {
        await sim.close();
      }
    };
    const first = await names();
    expect(first.length).toBeGreaterThan(10);
    expect(await names()).toEqual(first);
  });
});
