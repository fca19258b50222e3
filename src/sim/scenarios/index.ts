import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../errors.js";

/**
 * The built-in scenarios: `.yaml` cluster-state files in this folder (named by file name without
 * extension), each a small but complete cluster — nodes, kube-system, the default StorageClass, a
 * Clock — around one kind of failure. They are what `sim --scenario`, the demo and the tests load.
 */

/** What a scenario is about, for listings and for tests that check the triage finds it. */
export interface ScenarioInfo {
  name: string;
  /** One line: what is broken. */
  summary: string;
  /** The namespace to triage. */
  namespace: string;
  /** DESIGN.md root-cause categories the scenario contains (empty for the healthy one). */
  categories: string[];
}

/** The catalog of built-in scenarios (kept in step with the files by a test). */
export const SCENARIOS: readonly ScenarioInfo[] = [
  {
    name: "prod-api-outage",
    summary:
      "prod-api: payment-service ImagePullBackOff (unresolvable registry), auth-service Init:CrashLoopBackOff, api-gateway liveness kills (137) because those two upstreams are down, user-service missing Secret, analytics-service OOMKilled",
    namespace: "prod-api",
    categories: [
      "image-pull",
      "init-container-failure",
      "dependency-unavailable",
      "missing-secret",
      "oom-killed",
    ],
  },
  {
    name: "a-team-missing-pvc",
    summary: 'a-team: postgres-db Pending, persistentvolumeclaim "postgres-pvc" not found',
    namespace: "a-team",
    categories: ["missing-pvc"],
  },
  {
    name: "node-not-ready",
    summary:
      "shop: worker node unreachable; redis-0 stuck Terminating on it, cart-service crash-loops without redis",
    namespace: "shop",
    categories: ["node-not-ready"],
  },
  {
    name: "unschedulable-resources",
    summary: "analytics: report-builder requests 12Gi memory, no node can fit it",
    namespace: "analytics",
    categories: ["unschedulable-resources"],
  },
  {
    name: "quota-exceeded",
    summary: "team-b: batch-processor cannot create pods, exceeded quota compute-quota (limits.memory)",
    namespace: "team-b",
    categories: ["quota-exceeded"],
  },
  {
    name: "service-no-endpoints",
    summary: "storefront: Service catalog selects app=catalog, pods are labelled app=catalog-api",
    namespace: "storefront",
    categories: ["service-no-endpoints"],
  },
  {
    name: "dependency-unavailable",
    summary:
      "payments: orders-api crash-loops (connection refused to redis); redis lacks ConfigMap redis-config",
    namespace: "payments",
    categories: ["missing-configmap", "dependency-unavailable"],
  },
  {
    name: "job-failed",
    summary:
      "data: Job nightly-etl-29474190 failed with BackoffLimitExceeded (password authentication failed)",
    namespace: "data",
    categories: ["job-failed"],
  },
  {
    name: "probe-failure",
    summary: "web: checkout-web Running but never Ready, readiness probe returns 503",
    namespace: "web",
    categories: ["probe-failure"],
  },
  {
    name: "pvc-pending",
    summary:
      'ml: model-cache PVC Pending, storageclass.storage.k8s.io "fast-ssd" not found; model-server Pending',
    namespace: "ml",
    categories: ["pvc-pending"],
  },
  {
    name: "control-plane-degraded",
    summary: "cluster: /readyz reports [-]etcd failed; workloads themselves healthy",
    namespace: "default",
    categories: ["control-plane-degraded"],
  },
  {
    name: "ingress-misconfigured",
    summary: "shop-frontend: Ingress storefront routes /api to Service api-svc, which does not exist",
    namespace: "shop-frontend",
    categories: ["ingress-misconfigured"],
  },
  {
    name: "helm-upgrade-failed",
    summary:
      "checkout: helm upgrade to revision 7 (checkout-api 2.1.0 -> 2.1.1) failed; the new pods crash-loop on a missing config key",
    namespace: "checkout",
    categories: ["crash-loop", "helm-release-failed"],
  },
  {
    name: "argo-bad-image",
    summary:
      "shop-web: Argo CD synced Deployment web to ghcr.io/acme/web:3.5.0, a tag that does not exist; the Application is Degraded",
    namespace: "shop-web",
    categories: ["image-pull", "gitops-sync-failed"],
  },
  {
    name: "configmap-edited",
    summary:
      "orders: ConfigMap orders-config edited (DB_POOL_SIZE=0) by kubectl-edit three minutes before orders-api began crash-looping",
    namespace: "orders",
    categories: ["crash-loop"],
  },
  {
    name: "healthy",
    summary: "team-a: everything healthy; old recovered warnings and a completed Job (the negative case)",
    namespace: "team-a",
    categories: [],
  },
];

const folder = dirname(fileURLToPath(import.meta.url));

/** Names of the built-in scenarios (the .yaml files here), sorted. */
export function listScenarios(): string[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => file.slice(0, -".yaml".length))
    .sort();
}

/** Path of a scenario's state file; InputError (SCENARIO_UNKNOWN) listing the known ones otherwise. */
export function scenarioPath(name: string): string {
  const known = listScenarios();
  if (!known.includes(name)) {
    throw new InputError(
      "SCENARIO_UNKNOWN",
      `unknown scenario '${name}'; available: ${known.length > 0 ? known.join(", ") : "(none)"}`,
    );
  }
  return join(folder, `${name}.yaml`);
}

/** The text of a scenario's state file (a YAML stream, see DESIGN.md). */
export function loadScenarioText(name: string): string {
  return readFileSync(scenarioPath(name), "utf8");
}

/** The catalog entry of a scenario, or undefined for a file without one. */
export function scenarioInfo(name: string): ScenarioInfo | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
