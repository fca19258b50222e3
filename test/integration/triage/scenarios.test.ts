import { describe, expect, it } from "vitest";
import {
  ROOT_CAUSE_CATEGORIES,
  type RootCauseCategory,
  type TriageResult,
} from "../../../src/domain/types.js";
import { snapshotFromFile } from "../../../src/k8s/from-file.js";
import { listScenarios, scenarioPath } from "../../../src/sim/scenarios/index.js";
import { triage } from "../../../src/triage/index.js";
import { expectValidProposals } from "../../unit/triage/helpers.js";

/**
 * Every built-in scenario, loaded the way the CLI loads a state file (simulated API server +
 * collector), must name the root cause it was written to show.
 */

interface Expectation {
  namespace?: string;
  /** `category:workload` of every root cause, in any order. */
  causes?: string[];
  /** Categories that must appear among the causes. */
  includes?: RootCauseCategory[];
}

const EXPECTED: Record<string, Expectation> = {
  "prod-api-outage": {
    namespace: "prod-api",
    causes: [
      "dependency-unavailable:api-gateway",
      "image-pull:payment-service",
      "init-container-failure:auth-service",
      "missing-secret:user-service",
      "oom-killed:analytics-service",
    ],
  },
  "a-team-missing-pvc": { namespace: "a-team", causes: ["missing-pvc:postgres-db"] },
  "control-plane-degraded": { causes: ["control-plane-degraded:kube-apiserver"] },
  "dependency-unavailable": { causes: ["dependency-unavailable:orders-api", "missing-configmap:redis"] },
  healthy: { causes: [] },
  "helm-upgrade-failed": {
    namespace: "checkout",
    causes: ["crash-loop:checkout-api", "helm-release-failed:sh.helm.release.v1.checkout.v7"],
  },
  "argo-bad-image": { namespace: "shop-web", causes: ["gitops-sync-failed:shop-web", "image-pull:web"] },
  "configmap-edited": { namespace: "orders", causes: ["crash-loop:orders-api"] },
  "ingress-misconfigured": { causes: ["ingress-misconfigured:storefront"] },
  "job-failed": { causes: ["job-failed:nightly-etl"] },
  "node-not-ready": { causes: ["dependency-unavailable:cart-service", "node-not-ready:worker-2"] },
  "probe-failure": { causes: ["probe-failure:checkout-web"] },
  "pvc-pending": { causes: ["pvc-pending:model-server"] },
  "quota-exceeded": { causes: ["quota-exceeded:batch-processor"] },
  "service-no-endpoints": { causes: ["service-no-endpoints:catalog"] },
  "unschedulable-resources": { causes: ["unschedulable-resources:report-builder"] },
};

const results = new Map<string, Promise<TriageResult>>();
function run(name: string, namespace?: string): Promise<TriageResult> {
  const key = `${name}/${namespace ?? "*"}`;
  let result = results.get(key);
  if (!result) {
    result = snapshotFromFile(scenarioPath(name), namespace ? { namespace } : { allNamespaces: true }).then(
      (s) => triage(s),
    );
    results.set(key, result);
  }
  return result;
}

const scenarios = listScenarios();

describe("built-in scenarios", () => {
  it("the scenarios this engine is specified against are built in", () => {
    expect(scenarios).toContain("prod-api-outage");
  });

  it.each(scenarios)("%s: names its intended root cause, with valid proposals", async (name) => {
    // A scenario named after a category (added later, not in the table) must at least show it.
    const expectation =
      EXPECTED[name] ??
      ((ROOT_CAUSE_CATEGORIES as readonly string[]).includes(name)
        ? { includes: [name as RootCauseCategory] }
        : undefined);
    const result = await run(name, expectation?.namespace);
    expectValidProposals(result);
    if (/healthy/.test(name)) {
      expect(result.rootCauses).toEqual([]);
      expect(result.blastRadius).toBe("no-issues");
      return;
    }
    expect(result.rootCauses.length).toBeGreaterThan(0);
    if (expectation?.causes) {
      expect(result.rootCauses.map((c) => `${c.category}:${c.resource.name}`).sort()).toEqual(
        [...expectation.causes].sort(),
      );
    }
    for (const category of expectation?.includes ?? []) {
      expect(result.rootCauses.map((c) => c.category)).toContain(category);
    }
  });
});

describe("prod-api-outage", () => {
  const cause = async (name: string) =>
    (await run("prod-api-outage", "prod-api")).rootCauses.find((c) => c.resource.name === name)!;

  it("payment-service: image-pull citing company-registry.io and the DNS failure, with a rollback", async () => {
    const pull = await cause("payment-service");
    expect(pull.summary).toContain("company-registry.io");
    expect(pull.summary).toContain("DNS");
    expect(
      pull.evidence.some((e) => e.includes("lookup company-registry.io") && e.includes("no such host")),
    ).toBe(true);
    const result = await run("prod-api-outage", "prod-api");
    const rollback = result.remediations.find((r) => r.action === "rollback");
    expect(rollback?.target.name).toBe("payment-service");
    expect(rollback?.params).toEqual({ toRevision: 1 });
    expect(rollback?.change).toContain("-> ghcr.io/");
  });

  it("auth-service: init-container-failure quoting migrate-db's log line", async () => {
    const init = await cause("auth-service");
    expect(init.category).toBe("init-container-failure");
    expect(
      init.evidence.some(
        (e) => e.includes("[migrate-db") && e.includes("ERROR: Connection refused - database unreachable"),
      ),
    ).toBe(true);
  });

  it("api-gateway: downstream of its upstreams (no healthy upstream), exit 137 not called an OOM, ranked after them", async () => {
    const result = await run("prod-api-outage", "prod-api");
    const gateway = await cause("api-gateway");
    expect(gateway.category).toBe("dependency-unavailable");
    expect(gateway.summary).toContain("exit 137");
    expect(gateway.summary).toContain("not OOMKilled");
    expect(gateway.summary).toMatch(/auth-service, payment-service, which it calls, are down/);
    expect(gateway.evidence.some((e) => e.includes('"error":"no healthy upstream"'))).toBe(true);
    // The headline cause is an upstream one, and the gateway is listed as affected by it.
    const first = result.rootCauses[0]!;
    expect(["payment-service", "auth-service"]).toContain(first.resource.name);
    expect(gateway.causedBy).toBe(first.id);
    expect(first.affected).toContainEqual({ kind: "Deployment", namespace: "prod-api", name: "api-gateway" });
    expect(
      result.rootCauses.some((c) => c.category === "crash-loop" && c.resource.name === "api-gateway"),
    ).toBe(false);
  });

  it("user-service: missing-secret db-credentials, a placeholder command, no proposal", async () => {
    const secret = await cause("user-service");
    expect(secret.category).toBe("missing-secret");
    expect(secret.summary).toContain("db-credentials");
    expect(secret.commands).toContain(
      "kubectl create secret generic db-credentials -n prod-api --from-literal=url=<URL>",
    );
    const result = await run("prod-api-outage", "prod-api");
    expect(result.remediations.some((r) => r.rootCauseId === secret.id)).toBe(false);
  });

  it("analytics-service: oom-killed with its 128Mi limit and a raise sized from its 300Mi need (+25%)", async () => {
    const oom = await cause("analytics-service");
    expect(oom.category).toBe("oom-killed");
    expect(oom.summary).toContain("128Mi");
    const result = await run("prod-api-outage", "prod-api");
    expect(result.remediations.find((r) => r.action === "set-resources")?.change).toBe(
      "spec.template.spec.containers[analytics-service].resources.limits.memory: 128Mi -> 384Mi",
    );
  });

  it("notification-service healthy, single-namespace, control plane healthy, P1", async () => {
    const result = await run("prod-api-outage", "prod-api");
    expect(result.healthy.map((r) => r.name)).toEqual(["notification-service"]);
    expect(result.blastRadius).toBe("single-namespace");
    expect(result.controlPlane.status).toBe("healthy");
    expect(result.severity).toBe("P1");
    expect(result.headline).toBe("5 root causes in prod-api: 5 of 6 deployments unavailable");
  });
});

describe("dependency chains", () => {
  it("dependency-unavailable: orders-api is caused by redis's missing ConfigMap, which ranks first", async () => {
    const result = await run("dependency-unavailable");
    const [first, second] = result.rootCauses;
    expect(first?.id).toBe("missing-configmap:Deployment/payments/redis");
    expect(second?.causedBy).toBe(first?.id);
    expect(second?.evidence.some((e) => e.includes("connection refused"))).toBe(true);
  });

  it("node-not-ready: cart-service waits on redis-0, stuck on the NotReady node", async () => {
    const result = await run("node-not-ready");
    expect(result.blastRadius).toBe("cluster-wide");
    expect(result.rootCauses[0]?.id).toBe("node-not-ready:Node//worker-2");
    expect(result.rootCauses[1]?.causedBy).toBe("node-not-ready:Node//worker-2");
    // redis-0 is a StatefulSet pod: a human confirms the node is down before it is force-deleted.
    expect(result.remediations.some((r) => r.target.name === "redis-0")).toBe(false);
    expect(
      result.rootCauses[0]?.commands.some((c) => c.includes("delete pod redis-0 --grace-period=0 --force")),
    ).toBe(true);
  });
});

describe("a-team-missing-pvc", () => {
  it("missing-pvc for postgres-db naming postgres-pvc, with create-pvc on StorageClass standard", async () => {
    const result = await run("a-team-missing-pvc", "a-team");
    const [cause] = result.rootCauses;
    expect(cause?.category).toBe("missing-pvc");
    expect(cause?.resource.name).toBe("postgres-db");
    expect(cause?.summary).toContain("postgres-pvc");
    const create = result.remediations.find((r) => r.action === "create-pvc");
    expect(create?.target).toEqual({
      kind: "PersistentVolumeClaim",
      namespace: "a-team",
      name: "postgres-pvc",
    });
    expect(create?.params).toMatchObject({ storageClassName: "standard", accessModes: ["ReadWriteOnce"] });
    expect(create?.risk).toBe("low");
  });
});
